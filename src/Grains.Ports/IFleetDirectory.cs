using RavenXcope.Grains.Model;

namespace RavenXcope.Grains;

/// <summary>
/// The read model that grains keep up to date on transitions, so that listing, fleet summaries and
/// alerts are queries over rows, never scans over grains.
/// </summary>
public interface IFleetDirectory
{
    /// <summary>Inserts or updates a tenant's row.</summary>
    Task UpsertTenantAsync(TenantSnapshot tenant, CancellationToken cancellationToken = default);

    /// <summary>Inserts or updates a sensor's row.</summary>
    Task UpsertSensorAsync(SensorSnapshot sensor, CancellationToken cancellationToken = default);
}
