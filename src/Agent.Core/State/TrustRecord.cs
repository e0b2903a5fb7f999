namespace RavenXcope.Agent;

/// <summary>
/// The trust record as a running agent holds it: read once at start, kept in memory, and written to
/// <c>sensor-state.json</c> (atomically, flushed to disk) only when it differs from what was last written. A
/// heartbeat that changes nothing writes nothing; a write that failed is tried again with the next update.
/// Used by the heartbeat loop only.
/// </summary>
public sealed class TrustRecord(StateDirectory directory, AgentState stored)
{
    private AgentState _written = stored;

    /// <summary>The record as it stands (written or not).</summary>
    public AgentState Current { get; private set; } = stored;

    /// <summary>How many times the file was written since the agent started.</summary>
    public int Writes { get; private set; }

    /// <summary>
    /// Makes <paramref name="next"/> the record and writes it when it differs from the file; returns whether it was
    /// written. An <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> is the caller's to log.
    /// </summary>
    public bool Update(AgentState next)
    {
        Current = next;
        if (next == _written)
        {
            return false;
        }

        directory.Save(next);
        _written = next;
        Writes++;
        return true;
    }
}
