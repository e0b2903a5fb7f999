using NATS.Client.Core;

namespace RavenXcope.Infrastructure.Nats;

/// <summary>Checks on a connection of <see cref="NatsConnections"/> before an operation.</summary>
internal static class NatsConnectionExtensions
{
    /// <summary>
    /// The connection when it is open; otherwise a <see cref="NatsException"/> at once, so that an operation fails
    /// fast during an outage instead of waiting for the client's reconnect.
    /// </summary>
    public static NatsConnection RequireOpen(this NatsConnection connection) =>
        connection.ConnectionState == NatsConnectionState.Open
            ? connection
            : throw new NatsException($"not connected to NATS at {connection.Opts.Url} ({connection.ConnectionState})");
}
