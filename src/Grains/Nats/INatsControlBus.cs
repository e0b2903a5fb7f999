namespace RavenXcope.Grains.Nats;

/// <summary>
/// What the tenant grains do on NATS: push account JWTs through the SYS account, and keep the tenant's JetStream
/// objects (its command stream, the sensors' consumers) through the tenant's control user. Every call fails fast
/// when NATS is away; the callers retry on their reminder.
/// </summary>
public interface INatsControlBus
{
    /// <summary>Publishes <paramref name="accountJwt"/> to the servers (<c>$SYS.REQ.ACCOUNT.&lt;A&gt;.CLAIMS.UPDATE</c>).</summary>
    Task PushAccountAsync(string accountPublicKey, string accountJwt, CancellationToken cancellationToken);

    /// <summary>Creates or updates the tenant's work-queue command stream.</summary>
    Task EnsureCommandStreamAsync(string tenantId, string controlCreds, CancellationToken cancellationToken);

    /// <summary>Creates the sensor's durable pull consumer <c>cmd-&lt;t&gt;-&lt;s&gt;</c> (idempotent).</summary>
    Task EnsureSensorConsumerAsync(string tenantId, string sensorId, string controlCreds, CancellationToken cancellationToken);

    /// <summary>Deletes the sensor's consumer (after a revoke); a missing consumer is fine.</summary>
    Task DeleteSensorConsumerAsync(string tenantId, string sensorId, string controlCreds, CancellationToken cancellationToken);
}
