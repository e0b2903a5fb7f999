using System.Diagnostics;

namespace RavenXcope.FleetSim;

/// <summary>
/// What the fleet's agents report while it runs: the counters and latencies of the report, and each command an
/// agent took, handed to whoever checks commands. Thread-safe: every agent reports from its own tasks.
/// </summary>
public sealed class FleetMeter
{
    /// <summary>The counters.</summary>
    public SimCounts Counts { get; } = new();

    /// <summary>Enrollment latencies.</summary>
    public LatencyRecorder Enroll { get; } = new();

    /// <summary>Agent start → NATS credentials in hand.</summary>
    public LatencyRecorder Credentials { get; } = new();

    /// <summary>Heartbeat round trips.</summary>
    public LatencyRecorder Heartbeat { get; } = new();

    /// <summary>Command submitted → taken by its agent.</summary>
    public LatencyRecorder Command { get; } = new();

    /// <summary>Agent told to stop → stopped (its loops ended, its connections closed).</summary>
    public LatencyRecorder Stop { get; } = new();

    /// <summary>Agent restarted → NATS connected again.</summary>
    public LatencyRecorder Reconnect { get; } = new();

    /// <summary>Agents that ended with an exception (a bug: the agent's loops catch what they expect), as text.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> AgentFailures { get; } = new();

    /// <summary>Raised when an agent took a command: the agent, the command id, its outcome, a <see cref="Stopwatch"/> timestamp.</summary>
    public event Action<VirtualSensor, string, string, long>? CommandTaken;

    /// <summary>Called by an agent that took a command.</summary>
    public void Took(VirtualSensor sensor, string commandId, string outcome) =>
        CommandTaken?.Invoke(sensor, commandId, outcome, Stopwatch.GetTimestamp());
}
