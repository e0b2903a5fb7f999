namespace RavenXcope.Agent.Supervision;

/// <summary>
/// What the control loop needs of whatever runs Suricata: the desired and observed states, a command applied, a
/// change announced. <see cref="Supervisor"/> runs the configured program as a child process; the fleet simulator
/// gives each of its agents a stand-in that runs nothing.
/// </summary>
public interface ISupervisor
{
    /// <summary>Raised when the desired or observed state changes.</summary>
    event Action? Changed;

    /// <summary><c>running</c> or <c>stopped</c>.</summary>
    string Desired { get; }

    /// <summary><c>running</c>, <c>stopped</c> or <c>crashed</c>.</summary>
    string Observed { get; }

    /// <summary>Applies a command (<c>start</c>, <c>stop</c>, <c>restart</c>); returns the outcome reported to the control plane.</summary>
    Task<string> ApplyAsync(string type);
}
