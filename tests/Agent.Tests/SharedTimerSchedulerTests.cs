using System.Diagnostics;
using RavenXcope.FleetSim;

namespace RavenXcope.Agent.Tests;

/// <summary>The fleet simulator's shared clock: the timers agents make through it fire once, on time, unless disarmed.</summary>
public sealed class SharedTimerSchedulerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_delay_and_a_timeout_made_on_it_end_after_their_time_and_not_before()
    {
        using var clock = new SharedTimerScheduler();
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromMilliseconds(200), clock).WaitAsync(Deadline);
        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(200));

        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(100), clock);
        var cancelled = new TaskCompletionSource();
        using var registration = timeout.Token.Register(cancelled.SetResult);
        await cancelled.Task.WaitAsync(Deadline);
    }

    [Fact]
    public async Task A_timer_changed_fires_at_its_new_time_once_and_a_disposed_one_never()
    {
        using var clock = new SharedTimerScheduler();
        var fired = 0;
        var firedOnce = new TaskCompletionSource();
        using var timer = clock.CreateTimer(_ => { Interlocked.Increment(ref fired); firedOnce.TrySetResult(); }, null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        var disposedFired = false;
        var disposed = clock.CreateTimer(_ => disposedFired = true, null, TimeSpan.FromMilliseconds(50), Timeout.InfiniteTimeSpan);
        disposed.Dispose();

        Assert.True(timer.Change(TimeSpan.FromMilliseconds(50), Timeout.InfiniteTimeSpan));
        await firedOnce.Task.WaitAsync(Deadline);

        // A later timer firing shows the clock has ticked past both earlier ones.
        var later = new TaskCompletionSource();
        using var probe = clock.CreateTimer(_ => later.TrySetResult(), null, TimeSpan.FromMilliseconds(100), Timeout.InfiniteTimeSpan);
        await later.Task.WaitAsync(Deadline);
        Assert.Equal(1, Volatile.Read(ref fired));
        Assert.False(disposedFired);
        Assert.False(disposed.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public async Task A_periodic_timer_fires_again_until_disposed()
    {
        using var clock = new SharedTimerScheduler();
        var fired = 0;
        var thrice = new TaskCompletionSource();
        var timer = clock.CreateTimer(_ =>
        {
            if (Interlocked.Increment(ref fired) == 3)
            {
                thrice.TrySetResult();
            }
        }, null, TimeSpan.Zero, TimeSpan.FromMilliseconds(20));
        await thrice.Task.WaitAsync(Deadline);
        timer.Dispose();
    }
}
