namespace RavenXcope.Grains.State;

/// <summary>One command in a sensor's ledger, as persisted; <see cref="CommandLedger{TEntry}"/> moves it.</summary>
[GenerateSerializer, Alias("RavenXcope.CommandRecord")]
public sealed class CommandRecord : ICommandEntry
{
    /// <summary>Command id (also the JetStream Nats-Msg-Id).</summary>
    [Id(0)] public string Id { get; set; } = string.Empty;

    /// <summary>What to do.</summary>
    [Id(1)] public CommandType Type { get; set; }

    /// <summary>Where it stands.</summary>
    [Id(2)] public CommandStatus Status { get; set; }

    /// <summary>The operator's idempotency key, if any.</summary>
    [Id(3)] public string? IdempotencyKey { get; set; }

    /// <summary>Issued.</summary>
    [Id(4)] public DateTimeOffset IssuedAt { get; set; }

    /// <summary>After this the agent does not execute it.</summary>
    [Id(5)] public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The stream sequence from the PubAck.</summary>
    [Id(6)] public ulong? StreamSequence { get; set; }

    /// <summary>Last change.</summary>
    [Id(7)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>What the agent said, or why it ended.</summary>
    [Id(8)] public string? Detail { get; set; }
}
