using System.Collections.Concurrent;
using RavenXcope.Grains;
using RavenXcope.Grains.Model;

namespace RavenXcope.Tests.Grains;

/// <summary>The read model in memory, for grain tests: the last row written per sensor and tenant.</summary>
public sealed class RecordingFleetDirectory : IFleetDirectory
{
    /// <summary>Last sensor row by "tenant/sensor".</summary>
    public ConcurrentDictionary<string, SensorSnapshot> Sensors { get; } = new();

    /// <summary>Last tenant row by id.</summary>
    public ConcurrentDictionary<string, TenantSnapshot> Tenants { get; } = new();

    /// <inheritdoc />
    public Task UpsertTenantAsync(TenantSnapshot tenant, CancellationToken cancellationToken = default)
    {
        Tenants[tenant.TenantId] = tenant;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task UpsertSensorAsync(SensorSnapshot sensor, CancellationToken cancellationToken = default)
    {
        Sensors[$"{sensor.TenantId}/{sensor.SensorId}"] = sensor;
        return Task.CompletedTask;
    }
}
