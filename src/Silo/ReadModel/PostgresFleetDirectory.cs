using Npgsql;
using RavenXcope.Grains;
using RavenXcope.Grains.Model;

namespace RavenXcope.Silo.ReadModel;

/// <summary>Keeps <c>tenant_directory</c> and <c>sensor_directory</c> up to date from grain transitions.</summary>
public sealed class PostgresFleetDirectory(NpgsqlDataSource dataSource) : IFleetDirectory
{
    /// <inheritdoc />
    public async Task UpsertTenantAsync(TenantSnapshot tenant, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO tenant_directory (tenant_id, name, created_at, updated_at) VALUES ($1, $2, $3, now())
            ON CONFLICT (tenant_id) DO UPDATE SET name = excluded.name, updated_at = now()
            """);
        command.Parameters.AddWithValue(tenant.TenantId);
        command.Parameters.AddWithValue(tenant.Name);
        command.Parameters.AddWithValue(tenant.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task UpsertSensorAsync(SensorSnapshot sensor, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO sensor_directory (tenant_id, sensor_id, name, lifecycle, trust_state, cert_serial, cert_not_after, created_at, updated_at, liveness)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (tenant_id, sensor_id) DO UPDATE
               SET name = excluded.name, lifecycle = excluded.lifecycle, trust_state = excluded.trust_state,
                   cert_serial = excluded.cert_serial, cert_not_after = excluded.cert_not_after, updated_at = excluded.updated_at,
                   liveness = excluded.liveness
             WHERE sensor_directory.updated_at <= excluded.updated_at
            """);
        command.Parameters.AddWithValue(sensor.TenantId);
        command.Parameters.AddWithValue(sensor.SensorId);
        command.Parameters.AddWithValue(sensor.Name);
        command.Parameters.AddWithValue(WireNames.Of(sensor.Lifecycle));
        command.Parameters.AddWithValue(WireNames.Of(sensor.TrustState));
        command.Parameters.AddWithValue((object?)sensor.CertificateSerial ?? DBNull.Value);
        command.Parameters.AddWithValue((object?)sensor.CertificateNotAfter ?? DBNull.Value);
        command.Parameters.AddWithValue(sensor.CreatedAt);
        command.Parameters.AddWithValue(sensor.UpdatedAt);
        command.Parameters.AddWithValue(sensor.Liveness);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
