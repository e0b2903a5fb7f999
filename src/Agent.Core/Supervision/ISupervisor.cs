using RavenXcope.Protocol.Messages;

namespace RavenXcope.Agent.Supervision;

/// <summary>
/// What the control loop needs of whatever runs Suricata: the desired and observed states, what Suricata itself says,
/// a command applied, a change announced. <see cref="Supervisor"/> runs Suricata (or a configured command line) as a
/// child process; the fleet simulator gives each of its agents a stand-in that runs nothing.
/// </summary>
public interface ISupervisor
{
    /// <summary>Raised when the desired or observed state changes.</summary>
    event Action? Changed;

    /// <summary><c>running</c> or <c>stopped</c>.</summary>
    string Desired { get; }

    /// <summary>One of <see cref="SuricataStates"/>.</summary>
    string Observed { get; }

    /// <summary>What Suricata last said about itself (and the last problem seen), or null when there is nothing to tell.</summary>
    SuricataReport? Report => null;

    /// <summary>The process id of the supervised program while it runs; null when there is no process (or none of its own).</summary>
    int? Pid => null;

    /// <summary>Applies a command (<c>start</c>, <c>stop</c>, <c>restart</c>); returns the outcome reported to the control plane.</summary>
    Task<SupervisorOutcome> ApplyAsync(string type);
}

/// <summary>A command's outcome (one of <see cref="CommandOutcomes"/>) and, for a failure, why.</summary>
/// <param name="Outcome">The outcome.</param>
/// <param name="Detail">Why it failed (Suricata's own words when it gave them).</param>
public sealed record SupervisorOutcome(string Outcome, string? Detail = null)
{
    /// <summary>Carried out.</summary>
    public static readonly SupervisorOutcome Done = new(CommandOutcomes.Done);

    /// <summary>Failed, and why.</summary>
    public static SupervisorOutcome Failed(string detail) => new(CommandOutcomes.Failed, detail);
}

/// <summary>The states a supervisor reports Suricata in.</summary>
public static class SuricataStates
{
    /// <summary>Runs (and, for Suricata itself, answers on its command socket).</summary>
    public const string Running = "running";

    /// <summary>Started, not answering yet (loading its rules).</summary>
    public const string Starting = "starting";

    /// <summary>Not running, as desired.</summary>
    public const string Stopped = "stopped";

    /// <summary>Exited or hung while it should run; a restart follows after a backoff.</summary>
    public const string Crashed = "crashed";

    /// <summary>A start failed (program missing, configuration refused by <c>suricata -T</c>); nothing is retried until a command.</summary>
    public const string Failed = "failed";
}
