using Npgsql;
using NpgsqlTypes;

namespace RavenXcope.Infrastructure.Postgres;

/// <summary>Queries over the read model the grains maintain (<see cref="FleetReadModelWriter"/>); never a scan over grains.</summary>
public sealed class FleetReadModel(NpgsqlDataSource dataSource)
{
    /// <summary>Trust states that call for an operator's attention, as stored.</summary>
    private const string AlertStates = "('renewal_recommended', 'renewal_due', 'expired')";

    /// <summary>The most alerts one query returns.</summary>
    public const int MaxAlerts = 1000;

    /// <summary>One page of a tenant's sensors in id order, optionally filtered by stored lifecycle and trust-state names.</summary>
    public async Task<RowPage<SensorRow>> ListSensorsAsync(string tenantId, string? lifecycle, string? trustState, string? after, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT sensor_id, name, lifecycle, trust_state, cert_serial, cert_not_after, updated_at
              FROM sensor_directory
             WHERE tenant_id = $1
               AND ($2::text IS NULL OR lifecycle = $2)
               AND ($3::text IS NULL OR trust_state = $3)
               AND ($4::text IS NULL OR sensor_id > $4)
             ORDER BY sensor_id
             LIMIT $5
            """);
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.Add(NullableText(lifecycle));
        command.Parameters.Add(NullableText(trustState));
        command.Parameters.Add(NullableText(after));
        command.Parameters.AddWithValue(limit + 1);
        var items = await ReadSensorsAsync(command, cancellationToken);
        return Trim(items, limit);
    }

    /// <summary>Counts of a tenant's sensors by trust state and lifecycle.</summary>
    public async Task<IReadOnlyList<SensorTally>> TallyAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT coalesce(trust_state, 'none'), lifecycle, count(*)::int FROM sensor_directory WHERE tenant_id = $1 GROUP BY 1, 2");
        command.Parameters.AddWithValue(tenantId);
        var tallies = new List<SensorTally>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tallies.Add(new SensorTally(reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }

        return tallies;
    }

    /// <summary>A tenant's sensors nearing or past expiry that are not revoked, soonest expiry first (at most <see cref="MaxAlerts"/>).</summary>
    public async Task<IReadOnlyList<SensorRow>> AlertsAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT sensor_id, name, lifecycle, trust_state, cert_serial, cert_not_after, updated_at
              FROM sensor_directory
             WHERE tenant_id = $1 AND lifecycle <> 'revoked'
               AND trust_state IN {AlertStates}
             ORDER BY cert_not_after NULLS LAST, sensor_id
             LIMIT {MaxAlerts}
            """);
        command.Parameters.AddWithValue(tenantId);
        return await ReadSensorsAsync(command, cancellationToken);
    }

    /// <summary>
    /// Counts of every tenant's sensors by lifecycle, trust state and liveness, for the fleet gauges' periodic refresh.
    /// Throws <see cref="System.Data.Common.DbException"/> when the database does not answer.
    /// </summary>
    public async Task<IReadOnlyList<FleetTally>> FleetTalliesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT tenant_id, lifecycle, coalesce(trust_state, 'none'), liveness, count(*) FROM sensor_directory GROUP BY 1, 2, 3, 4");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tallies = new List<FleetTally>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tallies.Add(new FleetTally(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4)));
        }

        return tallies;
    }

    internal static NpgsqlParameter NullableText(string? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    internal static RowPage<T> Trim<T>(List<T> items, int limit)
    {
        var more = items.Count > limit;
        if (more)
        {
            items.RemoveAt(items.Count - 1);
        }

        return new RowPage<T>(items, more);
    }

    private static async Task<List<SensorRow>> ReadSensorsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var items = new List<SensorRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new SensorRow(
                reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return items;
    }
}
