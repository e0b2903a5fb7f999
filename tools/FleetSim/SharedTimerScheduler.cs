using System.Collections.Concurrent;
using System.Diagnostics;

namespace RavenXcope.FleetSim;

/// <summary>
/// One clock for a fleet of agents in one process: every timer an agent makes through its <see cref="TimeProvider"/>
/// (heartbeat waits, status intervals, request timeouts, backoffs) becomes an entry in one queue, served by one
/// runtime timer that ticks at <see cref="Resolution"/>. A thousand agents otherwise create and cancel thousands of
/// runtime timers a second, and their threads queue, spinning, for the runtime timer queue's lock (seen in stack
/// samples of a 1 000-agent run: more than half the thread pool). Arming and disarming a timer here takes no lock:
/// it is a lock-free enqueue that the tick sorts in. Time itself is the system's.
/// </summary>
public sealed class SharedTimerScheduler : TimeProvider, IDisposable
{
    private readonly ConcurrentQueue<(Entry Timer, long Version, long Due)> _armed = new();
    private readonly PriorityQueue<(Entry Timer, long Version), long> _due = new();
    private readonly ITimer _tick;
    private int _ticking;

    /// <summary>Starts the clock; timers fire within <paramref name="resolution"/> after their due time.</summary>
    public SharedTimerScheduler(TimeSpan? resolution = null)
    {
        Resolution = resolution ?? TimeSpan.FromMilliseconds(10);
        _tick = System.CreateTimer(_ => Tick(), null, Resolution, Resolution);
    }

    /// <summary>How late a timer may fire.</summary>
    public TimeSpan Resolution { get; }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new Entry(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <inheritdoc />
    public void Dispose() => _tick.Dispose();

    private void Arm(Entry timer, long version, TimeSpan dueTime) =>
        _armed.Enqueue((timer, version, GetTimestamp() + (long)(Math.Max(0, dueTime.TotalSeconds) * Stopwatch.Frequency)));

    // One tick at a time; callbacks run on the thread pool, never on the tick.
    private void Tick()
    {
        if (Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            return;
        }

        try
        {
            while (_armed.TryDequeue(out var armed))
            {
                _due.Enqueue((armed.Timer, armed.Version), armed.Due);
            }

            var now = GetTimestamp();
            while (_due.TryPeek(out var next, out var due) && due <= now)
            {
                _due.Dequeue();
                if (next.Timer.IsCurrent(next.Version))
                {
                    ThreadPool.UnsafeQueueUserWorkItem(static n => n.Timer.Fire(n.Version), next, preferLocal: false);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    // A timer: each Change or Dispose makes a new version, so that entries armed before it are skipped when due.
    private sealed class Entry(SharedTimerScheduler owner, TimerCallback callback, object? state) : ITimer
    {
        private long _version;
        private long _periodTicks = -1;

        public bool IsCurrent(long version) => Interlocked.Read(ref _version) == version;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var version = Interlocked.Increment(ref _version);
            if (version < 0)
            {
                return false;
            }

            Interlocked.Exchange(ref _periodTicks, period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? -1 : period.Ticks);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                owner.Arm(this, version, dueTime);
            }

            return true;
        }

        public void Fire(long version)
        {
            if (!IsCurrent(version))
            {
                return;
            }

            callback(state);
            var period = Interlocked.Read(ref _periodTicks);
            if (period > 0 && IsCurrent(version))
            {
                owner.Arm(this, version, TimeSpan.FromTicks(period));
            }
        }

        public void Dispose() => Interlocked.Exchange(ref _version, long.MinValue);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
