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
}
