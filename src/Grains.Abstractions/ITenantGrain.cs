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

    /// <summary>Revokes a user key (JWTs issued until now), re-signs the account and pushes it: live connections drop.</summary>
    Task RevokeUserAsync(string userPublicKey, CancellationToken cancellationToken = default);

    /// <summary>The control user's credentials, for the silo's NATS bridge; null until provisioned. Never leaves the silo.</summary>
    Task<string?> GetControlCredentialsAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a sensor's command consumer (after a revoke).</summary>
    Task RemoveSensorConsumerAsync(string sensorId, CancellationToken cancellationToken = default);
}
