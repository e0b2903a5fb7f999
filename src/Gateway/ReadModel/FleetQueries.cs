using Npgsql;
using RavenXcope.Gateway.Api;

namespace RavenXcope.Gateway.ReadModel;

/// <summary>Queries over the read model the grains maintain; never a scan over grains.</summary>
public sealed class FleetQueries(NpgsqlDataSource dataSource)
{
    /// <summary>One page of a tenant's sensors in id order, optionally filtered.</summary>
    public async Task<SensorPage> ListSensorsAsync(string tenantId, string? lifecycle, string? trustState, string? after, int limit, CancellationToken cancellationToken)
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
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)lifecycle ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)trustState ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.AddWithValue(limit + 1);
        var items = new List<SensorListItem>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new SensorListItem(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? "none" : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                    reader.GetFieldValue<DateTimeOffset>(6)));
            }
        }

        var more = items.Count > limit;
        if (more)
        {
            items.RemoveAt(items.Count - 1);
        }

        return new SensorPage(items, more ? items[^1].SensorId : null);
    }

    /// <summary>A page of the tenant's audit chain in sequence order.</summary>
    public async Task<AuditPage> AuditAsync(string tenantId, long after, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT seq, at, actor, action, subject, outcome, detail, mac FROM audit_log WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3");
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.AddWithValue(after);
        command.Parameters.AddWithValue(limit + 1);
        var items = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new AuditEntry(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetString(6), Convert.ToHexStringLower((byte[])reader[7])));
        }

        var more = items.Count > limit;
        if (more)
        {
            items.RemoveAt(items.Count - 1);
        }

        return new AuditPage(items, more ? items[^1].Sequence : null);
    }

    /// <summary>Counts by trust state and by lifecycle.</summary>
    public async Task<TrustSummary> SummaryAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT coalesce(trust_state, 'none'), lifecycle, count(*)::int FROM sensor_directory WHERE tenant_id = $1 GROUP BY 1, 2");
        command.Parameters.AddWithValue(tenantId);
        var byTrust = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byLifecycle = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var total = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var count = reader.GetInt32(2);
            byTrust[reader.GetString(0)] = byTrust.GetValueOrDefault(reader.GetString(0)) + count;
            byLifecycle[reader.GetString(1)] = byLifecycle.GetValueOrDefault(reader.GetString(1)) + count;
            total += count;
        }

        return new TrustSummary(total, byTrust, byLifecycle);
    }

    /// <summary>Sensors nearing or past expiry that are not revoked, most urgent first.</summary>
    public async Task<TrustAlerts> AlertsAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT sensor_id, name, trust_state, cert_not_after
              FROM sensor_directory
             WHERE tenant_id = $1 AND lifecycle <> 'revoked'
               AND trust_state IN ('renewal_recommended', 'renewal_due', 'expired')
             ORDER BY cert_not_after NULLS LAST, sensor_id
             LIMIT 1000
            """);
        command.Parameters.AddWithValue(tenantId);
        var items = new List<TrustAlert>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var trust = reader.GetString(2);
            items.Add(new TrustAlert(
                reader.GetString(0), reader.GetString(1), trust,
                trust switch { "expired" => "critical", "renewal_due" => "high", _ => "warning" },
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return new TrustAlerts(items);
    }
}
