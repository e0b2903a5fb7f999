namespace RavenXcope.Agent;

/// <summary>
/// What an agent did, for whoever measures it (the fleet simulator, the benchmarks). Called on the agent's own
/// tasks: an implementation returns at once and is thread-safe. Every method does nothing by default.
/// </summary>
public interface IAgentObserver
{
    /// <summary>An observer that observes nothing.</summary>
    static readonly IAgentObserver None = new NoObserver();

    /// <summary>
    /// A heartbeat took <paramref name="elapsed"/> and was answered with <paramref name="status"/> (200 when accepted; 0
    /// when nothing answered) and, for a refusal, its problem <paramref name="code"/> and <paramref name="detail"/>.
    /// </summary>
    void Heartbeat(TimeSpan elapsed, int status, string? code, string? detail)
    {
    }

    /// <summary>
    /// Why the agent has no NATS connection now (credentials refused or pending, server unreachable, connection lost);
    /// <paramref name="failed"/> when a connection failed or was lost, rather than never tried for want of credentials.
    /// </summary>
    void NatsDown(string reason, bool failed)
    {
    }

    /// <summary>The control plane issued NATS credentials.</summary>
    void CredentialsIssued()
    {
    }

    /// <summary>The control plane answered a credentials request with "not yet" (202) or a refusal.</summary>
    void CredentialsNotIssued(int status)
    {
    }

    /// <summary>The agent's NATS connection is up and its consumer found: commands can arrive.</summary>
    void NatsConnected()
    {
    }

    /// <summary>A command was taken from the consumer and has its outcome (executed, expired, or delivered again).</summary>
    void CommandTaken(string commandId, string type, string outcome)
    {
    }

    /// <summary>A status message went out (or could not).</summary>
    void StatusSent(bool sent)
    {
    }

    /// <summary>The trust record was written to disk.</summary>
    void TrustRecordWritten()
    {
    }

    private sealed class NoObserver : IAgentObserver;
}
