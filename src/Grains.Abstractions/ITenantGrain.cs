using RavenXcope.Grains.Model;

namespace RavenXcope.Grains;

/// <summary>A tenant. Key: <see cref="Identifiers.TenantKey"/>.</summary>
[Alias("RavenXcope.ITenantGrain")]
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>Creates the tenant; the same call again returns it unchanged, another name is refused.</summary>
    Task<Result<TenantSnapshot>> CreateAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The tenant, or null when it does not exist.</summary>
    Task<TenantSnapshot?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>For the Orleans Dashboard's grain details: the same snapshot, without seeds or credentials.</summary>
    Task<TenantSnapshot?> GetState();

    /// <summary>
    /// Signs a user JWT for a sensor's own public key with exactly its own permissions, after making sure
    /// its durable consumer exists. Refused with <c>nats_account_pending</c> until the account is provisioned.
    /// </summary>
    Task<Result<SensorNatsCredentials>> IssueSensorUserAsync(string sensorId, string userPublicKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Revokes a user key (JWTs issued until now) and re-signs the account; returns once that is stored (the resolver
    /// serves it). The push to the running servers, which drops live connections, follows in the background,
    /// retried until done.
    /// </summary>
    Task RevokeUserAsync(string userPublicKey, CancellationToken cancellationToken = default);

    /// <summary>The control user's credentials, for the silo's NATS bridge; null until provisioned. Never leaves the silo.</summary>
    Task<string?> GetControlCredentialsAsync(CancellationToken cancellationToken = default);

    /// <summary>Records that a sensor's command consumer must go (after a revoke); deleted in the background, retried until done.</summary>
    Task RemoveSensorConsumerAsync(string sensorId, CancellationToken cancellationToken = default);

    /// <summary>Stores what the background NATS sync deleted (a turn of its own; sent one-way).</summary>
    [Orleans.Concurrency.OneWay]
    Task ConsumersDeletedAsync();
}
