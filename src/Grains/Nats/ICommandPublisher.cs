namespace RavenXcope.Grains.Nats;

/// <summary>Publishes commands to a tenant's JetStream stream (implemented in RavenXcope.Infrastructure.Nats).</summary>
public interface ICommandPublisher
{
    /// <summary>False when NATS is not configured: commands stay accepted, nothing retries them.</summary>
    bool Enabled { get; }

    /// <summary>Publishes with <paramref name="commandId"/> as <c>Nats-Msg-Id</c>; returns the stream sequence.</summary>
    Task<ulong> PublishAsync(string tenantId, string sensorId, string commandId, byte[] payload, CancellationToken cancellationToken);
}
