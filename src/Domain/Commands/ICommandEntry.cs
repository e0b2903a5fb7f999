namespace RavenXcope.Domain;

/// <summary>
/// One command in a sensor's ledger, as <see cref="CommandLedger{TEntry}"/> reads and changes it. The grain's
/// persisted record implements it, so the ledger moves the stored entries themselves.
/// </summary>
public interface ICommandEntry
{
    /// <summary>Command id (also the JetStream <c>Nats-Msg-Id</c>).</summary>
    string Id { get; set; }

    /// <summary>What to do.</summary>
    CommandType Type { get; set; }

    /// <summary>Where it stands.</summary>
    CommandStatus Status { get; set; }

    /// <summary>The operator's idempotency key, if any.</summary>
    string? IdempotencyKey { get; set; }

    /// <summary>Issued.</summary>
    DateTimeOffset IssuedAt { get; set; }

    /// <summary>After this the agent does not execute it.</summary>
    DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The stream sequence from the PubAck.</summary>
    ulong? StreamSequence { get; set; }

    /// <summary>Last change.</summary>
    DateTimeOffset UpdatedAt { get; set; }

    /// <summary>What the agent said, or why it ended.</summary>
    string? Detail { get; set; }
}
