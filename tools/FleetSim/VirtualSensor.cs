using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RavenXcope.Agent;

namespace RavenXcope.FleetSim;

/// <summary>
/// One simulated sensor host: a state directory of its own and the real agent (<see cref="AgentRunner"/>) running
/// on it, with a stand-in Suricata. Dropping it stops its agent (its connections close, as when a host restarts);
/// starting it again runs a new agent on the same directory, which picks up what the last one kept. Its agents' timers
/// run on <c>time</c>, the fleet's shared clock.
/// </summary>
public sealed class VirtualSensor(int index, string tenantId, string sensorId, string stateDirectory, StandInSupervisor supervisor, FleetMeter meter, TimeProvider time) : IAgentObserver
{
    private readonly Lock _gate = new();
    private CancellationTokenSource? _stop;
    private Task<AgentExit>? _run;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _startedAt;
    private bool _credentialsTimed;

    /// <summary>Position in the fleet.</summary>
    public int Index { get; } = index;

    /// <summary>Tenant id.</summary>
    public string TenantId { get; } = tenantId;

    /// <summary>Sensor id.</summary>
    public string SensorId { get; } = sensorId;

    /// <summary>tenant/sensor, for messages.</summary>
    public string Key => $"{TenantId}/{SensorId}";

    /// <summary>The agent's state directory.</summary>
    public StateDirectory Directory { get; } = new(stateDirectory);

    /// <summary>The stand-in Suricata.</summary>
    public StandInSupervisor Supervisor { get; } = supervisor;

    /// <summary>The agent while it runs.</summary>
    public AgentRunner? Runner { get; private set; }

    /// <summary>True while the agent's NATS connection is up.</summary>
    public bool NatsConnected { get; private set; }

    /// <summary>True between a drop and the agent's next NATS connection.</summary>
    public bool Restarting { get; private set; }

    /// <summary>Set by the end checks once the control plane shows the sensor online.</summary>
    public bool ConfirmedOnline { get; set; }

    /// <summary>How the agent ended, when it ended on its own (revoked, not enrolled) or failed; null while it runs.</summary>
    public string? Ended { get; private set; }

    /// <summary>Completes when the agent started last connected to NATS.</summary>
    public Task Connected => _connected.Task;

    /// <summary>Starts an agent on the state directory.</summary>
    public void Start(AgentOptions options, ILoggerFactory loggers)
    {
        lock (_gate)
        {
            if (_run is not null)
            {
                return;
            }

            _startedAt = Stopwatch.GetTimestamp();
            _credentialsTimed = false;
            _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Ended = null;
            var runner = new AgentRunner(options with { StateDirectory = Directory.Path }, Supervisor, loggers, time, this);
            var stop = new CancellationTokenSource();
            Runner = runner;
            _stop = stop;
            _run = Task.Run(() => RunAsync(runner, stop.Token), CancellationToken.None);
        }
    }

    /// <summary>Stops the agent (its loops end, its connections close) and waits for it.</summary>
    public async Task StopAsync()
    {
        Task<AgentExit>? run;
        CancellationTokenSource? stop;
        lock (_gate)
        {
            (run, stop) = (_run, _stop);
        }

        if (run is null || stop is null)
        {
            return;
        }

        var stopping = Stopwatch.GetTimestamp();
        await stop.CancelAsync();
        await run;
        meter.Stop.RecordSince(stopping);
        lock (_gate)
        {
            _run = null;
            _stop = null;
            Runner = null;
            NatsConnected = false;
        }

        stop.Dispose();
    }

    /// <summary>A drop: the agent stops, and a new one starts on the same directory after <paramref name="downtime"/>.</summary>
    public async Task RestartAsync(TimeSpan downtime, AgentOptions options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        Restarting = true;
        Interlocked.Increment(ref meter.Counts.Drops);
        await StopAsync();
        await Task.Delay(downtime, cancellationToken);
        Start(options, loggers);
    }

    void IAgentObserver.Heartbeat(TimeSpan elapsed, int status, string? code, string? detail)
    {
        if (status == 200)
        {
            meter.Heartbeat.Record(elapsed);
            Interlocked.Increment(ref meter.Counts.Heartbeats);
        }
        else if (status == 0)
        {
            Interlocked.Increment(ref meter.Counts.HeartbeatsFailed);
        }
        else
        {
            Interlocked.Increment(ref meter.Counts.HeartbeatsRefused);
        }
    }

    void IAgentObserver.CredentialsIssued()
    {
        Interlocked.Increment(ref meter.Counts.CredentialsIssued);
        lock (_gate)
        {
            if (!_credentialsTimed)
            {
                _credentialsTimed = true;
                meter.Credentials.RecordSince(_startedAt);
            }
        }
    }

    void IAgentObserver.CredentialsNotIssued(int status) => Interlocked.Increment(ref meter.Counts.CredentialsPending);

    void IAgentObserver.NatsConnected()
    {
        Interlocked.Increment(ref meter.Counts.NatsConnects);
        NatsConnected = true;
        if (Restarting)
        {
            Restarting = false;
            meter.Reconnect.RecordSince(_startedAt);
            Interlocked.Increment(ref meter.Counts.Reconnects);
        }

        _connected.TrySetResult();
    }

    void IAgentObserver.NatsDown(string reason, bool failed)
    {
        if (!failed)
        {
            return;
        }

        NatsConnected = false;
        Interlocked.Increment(ref meter.Counts.NatsLost);
        if (Restarting)
        {
            Interlocked.Increment(ref meter.Counts.ReconnectRetries);
        }
    }

    void IAgentObserver.CommandTaken(string commandId, string type, string outcome) => meter.Took(this, commandId, outcome);

    void IAgentObserver.StatusSent(bool sent)
    {
        if (sent)
        {
            Interlocked.Increment(ref meter.Counts.StatusPublished);
        }
        else
        {
            Interlocked.Increment(ref meter.Counts.StatusFailed);
        }
    }

    void IAgentObserver.TrustRecordWritten() => Interlocked.Increment(ref meter.Counts.TrustRecordWrites);

    private async Task<AgentExit> RunAsync(AgentRunner runner, CancellationToken cancellationToken)
    {
        try
        {
            var exit = await runner.RunAsync(cancellationToken);
            if (exit != AgentExit.Stopped)
            {
                Ended = exit.ToString();
            }

            return exit;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Interlocked.Increment(ref meter.Counts.AgentErrors);
            Ended = $"{e.GetType().Name}: {e.Message}";
            meter.AgentFailures.Enqueue($"the agent of {Key} failed: {e}");
            return AgentExit.Stopped;
        }
        finally
        {
            NatsConnected = false;
        }
    }
}
