using System.Diagnostics;
using RavenXcope.Protocol.Messages;

namespace RavenXcope.Agent.Supervision;

/// <summary>
/// What the <see cref="Supervisor"/> runs: Suricata itself (<see cref="Suricata.SuricataProgram"/>: its configuration
/// checked before a start, its state asked on its command socket), or any command line (<see cref="CommandLineProgram"/>,
/// for a wrapper or a stand-in, which can only be seen running or not).
/// </summary>
public interface IEngineProgram
{
    /// <summary>The process to start.</summary>
    ProcessStartInfo StartInfo();

    /// <summary>Prepares a start (directories, a stale socket): a problem found is the reason the start fails.</summary>
    string? Prepare();

    /// <summary>Checks the program and its configuration without starting it; null when it may start, else why not.</summary>
    Task<string?> CheckAsync(CancellationToken cancellationToken);

    /// <summary>True when the running program can be asked how it is (<see cref="ProbeAsync"/>).</summary>
    bool CanProbe { get; }

    /// <summary>Asks the running program how it is.</summary>
    /// <exception cref="Suricata.SuricataSocketException">It did not answer as it should.</exception>
    Task<SuricataReport> ProbeAsync(CancellationToken cancellationToken);

    /// <summary>How long a start may take until the program first answers (then it is taken as hung).</summary>
    TimeSpan StartTimeout { get; }

    /// <summary>Time between probes of a running program.</summary>
    TimeSpan ProbeInterval { get; }

    /// <summary>Unanswered probes in a row after which a running program is taken as hung and restarted.</summary>
    int HungAfter { get; }

    /// <summary>How long a stop waits after SIGTERM before SIGKILL.</summary>
    TimeSpan StopGrace { get; }
}
