using System.Text.Json.Serialization;

namespace RavenXcope.Common;

/// <summary>A command's outcome as an agent reports it in its status messages.</summary>
/// <param name="CommandId">The command id.</param>
/// <param name="Outcome">done, failed, expired or accepted.</param>
public sealed record CommandOutcome(
    [property: JsonPropertyName("commandId")] string CommandId,
    [property: JsonPropertyName("outcome")] string Outcome);

/// <summary>
/// The agent's last few command outcomes, repeated in every status message so that one status lost in an
/// outage is made good by the next. Thread-safe: the command loop adds, any publisher snapshots.
/// </summary>
public sealed class RecentOutcomes(int capacity = RecentOutcomes.DefaultCapacity)
{
    /// <summary>How many outcomes an agent repeats.</summary>
    public const int DefaultCapacity = 8;

    private readonly Queue<CommandOutcome> _outcomes = new(capacity);
    private readonly Lock _gate = new();

    /// <summary>Remembers an outcome, forgetting the oldest beyond the capacity.</summary>
    public void Add(string commandId, string outcome)
    {
        lock (_gate)
        {
            _outcomes.Enqueue(new CommandOutcome(commandId, outcome));
            if (_outcomes.Count > capacity)
            {
                _outcomes.Dequeue();
            }
        }
    }

    /// <summary>The outcomes, oldest first, for a status message.</summary>
    public CommandOutcome[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _outcomes];
        }
    }
}
