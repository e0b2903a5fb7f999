using NATS.Client.Core;

namespace RavenXcope.Infrastructure.Nats;

/// <summary>Where <see cref="NatsConnections"/> keeps one account's connection, and the lock of whoever opens it.</summary>
internal sealed class ConnectionSlot
{
    private volatile Held? _entry;

    /// <summary>Held by the one that opens or replaces the connection.</summary>
    public SemaphoreSlim Lock { get; } = new(1, 1);

    /// <summary>The connection and the credentials it was opened with; written under <see cref="Lock"/> only.</summary>
    public Held? Entry
    {
        get => _entry;
        set => _entry = value;
    }

    /// <summary>The connection, if one is held.</summary>
    public NatsConnection? Connection => _entry?.Connection;

    /// <summary>A connection and its credentials.</summary>
    public sealed record Held(NatsConnection Connection, string Creds);
}
