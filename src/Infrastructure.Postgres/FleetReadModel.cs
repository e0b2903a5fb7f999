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

    /// <summary>The columns <see cref="ReadSensorsAsync"/> reads, in its order.</summary>
    private const string SensorColumns =
        "tenant_id, sensor_id, name, lifecycle, trust_state, cert_serial, cert_not_after, updated_at, liveness, hostname, agent_version, suricata, last_heartbeat_at";

    /// <summary>One page of a tenant's sensors in id order, narrowed by <paramref name="filter"/>.</summary>
    public async Task<RowPage<SensorRow>> ListSensorsAsync(string tenantId, SensorFilter filter, string? after, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {SensorColumns}
              FROM sensor_directory
             WHERE tenant_id = $1
               AND ($2::text IS NULL OR lifecycle = $2)
               AND ($3::text IS NULL OR trust_state = $3)
               AND ($4::text IS NULL OR sensor_id > $4)
               AND ($6::text IS NULL OR liveness = $6)
               AND ($7::text IS NULL OR suricata = $7)
               AND ($8::text IS NULL OR strpos(sensor_id, lower($8)) > 0 OR strpos(lower(name), lower($8)) > 0
                    OR strpos(lower(coalesce(hostname, '')), lower($8)) > 0)
             ORDER BY sensor_id
             LIMIT $5
            """);
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.Add(NullableText(filter.Lifecycle));
        command.Parameters.Add(NullableText(filter.TrustState));
        command.Parameters.Add(NullableText(after));
        command.Parameters.AddWithValue(limit + 1);
        command.Parameters.Add(NullableText(filter.Liveness));
        command.Parameters.Add(NullableText(filter.Suricata));
        command.Parameters.Add(NullableText(filter.Search));
        var items = await ReadSensorsAsync(command, cancellationToken);
        return Trim(items, limit);
    }

    /// <summary>Tenants in id order, after <paramref name="after"/>; only <paramref name="only"/> when it is given.</summary>
    public async Task<RowPage<TenantRow>> ListTenantsAsync(string? only, string? after, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT tenant_id, name, created_at FROM tenant_directory
             WHERE ($1::text IS NULL OR tenant_id > $1) AND ($3::text IS NULL OR tenant_id = $3)
             ORDER BY tenant_id LIMIT $2
            """);
        command.Parameters.Add(NullableText(after));
        command.Parameters.AddWithValue(limit + 1);
        command.Parameters.Add(NullableText(only));
        var items = new List<TenantRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new TenantRow(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }

        return Trim(items, limit);
    }

    /// <summary>Counts by lifecycle, trust state and liveness, of one tenant or (null) of all.</summary>
    public async Task<IReadOnlyList<SensorCount>> CountAsync(string? tenantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT lifecycle, coalesce(trust_state, 'none'), liveness, count(*)::int FROM sensor_directory
             WHERE ($1::text IS NULL OR tenant_id = $1) GROUP BY 1, 2, 3
            """);
        command.Parameters.Add(NullableText(tenantId));
        var counts = new List<SensorCount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(new SensorCount(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3)));
        }

        return counts;
    }

    /// <summary>Enrolled sensors that are not online, of one tenant or all, longest unseen first.</summary>
    public async Task<IReadOnlyList<SensorRow>> NotSeenAsync(string? tenantId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {SensorColumns} FROM sensor_directory
             WHERE ($1::text IS NULL OR tenant_id = $1) AND lifecycle = 'enrolled' AND liveness <> 'online'
             ORDER BY last_heartbeat_at NULLS FIRST, tenant_id, sensor_id
             LIMIT $2
            """);
        command.Parameters.Add(NullableText(tenantId));
        command.Parameters.AddWithValue(limit);
        return await ReadSensorsAsync(command, cancellationToken);
    }

    /// <summary>
    /// Sensors whose latest failed or expired command changed at or after <paramref name="since"/>, of one tenant or
    /// (null) of all, newest first, at most <paramref name="limit"/>.
    /// </summary>
    public async Task<IReadOnlyList<FailedCommandRow>> FailedCommandsAsync(string? tenantId, DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT tenant_id, sensor_id, name, failed_command_id, failed_command_type, failed_command_status, failed_command_at, failed_command_detail
              FROM sensor_directory
             WHERE ($1::text IS NULL OR tenant_id = $1) AND failed_command_at >= $2
             ORDER BY failed_command_at DESC, tenant_id, sensor_id
             LIMIT $3
            """);
        command.Parameters.Add(NullableText(tenantId));
        command.Parameters.AddWithValue(since.UtcDateTime);
        command.Parameters.AddWithValue(limit);
        var rows = new List<FailedCommandRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new FailedCommandRow(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                new DateTimeOffset(reader.GetDateTime(6), TimeSpan.Zero), reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return rows;
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
    public Task<IReadOnlyList<SensorRow>> AlertsAsync(string tenantId, CancellationToken cancellationToken) =>
        AlertsAsync(tenantId, MaxAlerts, cancellationToken);

    /// <summary>The sensors of <see cref="AlertsAsync(string, CancellationToken)"/>, of one tenant or (null) of all, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<SensorRow>> AlertsAsync(string? tenantId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {SensorColumns}
              FROM sensor_directory
             WHERE ($1::text IS NULL OR tenant_id = $1) AND lifecycle <> 'revoked'
               AND trust_state IN {AlertStates}
             ORDER BY cert_not_after NULLS LAST, tenant_id, sensor_id
             LIMIT $2
            """);
        command.Parameters.Add(NullableText(tenantId));
        command.Parameters.AddWithValue(Math.Min(limit, MaxAlerts));
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
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                Text(reader, 4), Text(reader, 5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetFieldValue<DateTimeOffset>(7),
                reader.GetString(8), Text(reader, 9), Text(reader, 10), Text(reader, 11),
                reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12)));
        }

        return items;
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
