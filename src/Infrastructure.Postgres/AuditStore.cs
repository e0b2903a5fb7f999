using Npgsql;
using RavenXcope.Common;
using RavenXcope.Grains.Audit;

namespace RavenXcope.Infrastructure.Postgres;

/// <summary>
/// <c>audit_log</c>: appended by each tenant's audit grain (<see cref="IAuditStore"/>), paged for the operator API,
/// and recomputed by the verifier.
/// </summary>
public sealed class AuditStore(NpgsqlDataSource dataSource) : IAuditStore
{
    /// <inheritdoc />
    public async Task<(long Sequence, byte[] Mac)?> LastAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT seq, mac FROM audit_log WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1");
        command.Parameters.AddWithValue(tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), (byte[])reader[1]) : null;
    }

    /// <inheritdoc />
    public async Task InsertAsync(AuditRow row, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO audit_log (tenant_id, seq, at, actor, action, subject, outcome, detail, prev_mac, mac)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """);
        command.Parameters.AddWithValue(row.TenantId);
        command.Parameters.AddWithValue(row.Sequence);
        command.Parameters.AddWithValue(row.At);
        command.Parameters.AddWithValue(row.Actor);
        command.Parameters.AddWithValue(row.Action);
        command.Parameters.AddWithValue(row.Subject);
        command.Parameters.AddWithValue(row.Outcome);
        command.Parameters.AddWithValue(row.Detail);
        command.Parameters.AddWithValue(row.PreviousMac);
        command.Parameters.AddWithValue(row.Mac);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A page of the tenant's chain in sequence order, after sequence <paramref name="after"/>.</summary>
    public async Task<RowPage<AuditRow>> PageAsync(string tenantId, long after, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT seq, at, actor, action, subject, outcome, detail, prev_mac, mac FROM audit_log WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3");
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.AddWithValue(after);
        command.Parameters.AddWithValue(limit + 1);
        var items = new List<AuditRow>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new AuditRow(
                    tenantId, reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.GetString(5), reader.GetString(6), (byte[])reader[7], (byte[])reader[8]));
            }
        }

        return FleetReadModel.Trim(items, limit);
    }

    /// <summary>Recomputes every MAC of a tenant's chain; returns the first sequence that does not match, or null.</summary>
    public async Task<(long Count, long? FirstBroken)> VerifyAsync(byte[] key, string tenantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT seq, at, actor, action, subject, outcome, detail, prev_mac, mac FROM audit_log WHERE tenant_id = $1 ORDER BY seq");
        command.Parameters.AddWithValue(tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var previous = AuditChain.Genesis;
        long count = 0, expected = 1;
        while (await reader.ReadAsync(cancellationToken))
        {
            count++;
            var sequence = reader.GetInt64(0);
            var mac = AuditChain.Mac(
                key, previous, tenantId, sequence, reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                $"{reader.GetString(5)}\n{reader.GetString(6)}");
            var stored = (byte[])reader[8];
            if (sequence != expected || !((byte[])reader[7]).AsSpan().SequenceEqual(previous) || !mac.AsSpan().SequenceEqual(stored))
            {
                return (count, sequence);
            }

            previous = stored;
            expected++;
        }

        return (count, null);
    }

    /// <summary>True when the tenant is in the read model (every created tenant is).</summary>
    public async Task<bool> TenantExistsAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM tenant_directory WHERE tenant_id = $1)");
        command.Parameters.AddWithValue(tenantId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
