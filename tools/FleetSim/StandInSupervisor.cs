using RavenXcope.Agent.Supervision;
using RavenXcope.Protocol.Messages;

namespace RavenXcope.FleetSim;

/// <summary>
/// A virtual host's Suricata: nothing runs, a command moves the states at once, and a given fraction of commands
/// fails (repeatably, from the seed and the sensor's position). It outlives the agent's restarts, as Suricata
/// outlives an agent restart on a real host when the agent starts it again.
/// </summary>
public sealed class StandInSupervisor(double failFraction, int seed) : ISupervisor
{
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public event Action? Changed;

    /// <inheritdoc />
    public string Desired { get; private set; } = "stopped";

    /// <inheritdoc />
    public string Observed { get; private set; } = "stopped";

    /// <inheritdoc />
    public Task<SupervisorOutcome> ApplyAsync(string type)
    {
        lock (_gate)
        {
            var desired = type switch
            {
                CommandTypes.Start or CommandTypes.Restart => "running",
                CommandTypes.Stop => "stopped",
                _ => null,
            };
            if (desired is null || _random.NextDouble() < failFraction)
            {
                return Task.FromResult(SupervisorOutcome.Failed(desired is null ? $"unknown command type '{type}'" : "the simulated Suricata failed"));
            }

            Desired = desired;
            Observed = desired;
        }

        Changed?.Invoke();
        return Task.FromResult(SupervisorOutcome.Done);
    }
}
