using Npgsql;
using RavenXcope.Grains.Audit;

namespace RavenXcope.Silo.Audit;

/// <summary><c>audit_log</c> in PostgreSQL.</summary>
public sealed class PostgresAuditStore(NpgsqlDataSource dataSource) : IAuditStore
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

    /// <summary>Recomputes every MAC of a tenant's chain; returns the first sequence that does not match, or null.</summary>
    public static async Task<(long Count, long? FirstBroken)> VerifyAsync(NpgsqlDataSource dataSource, byte[] key, string tenantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT seq, at, actor, action, subject, outcome, detail, prev_mac, mac FROM audit_log WHERE tenant_id = $1 ORDER BY seq");
        command.Parameters.AddWithValue(tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var previous = RavenXcope.Common.AuditChain.Genesis;
        long count = 0, expected = 1;
        while (await reader.ReadAsync(cancellationToken))
        {
            count++;
            var sequence = reader.GetInt64(0);
            var mac = RavenXcope.Common.AuditChain.Mac(
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
    public static async Task<bool> TenantExistsAsync(NpgsqlDataSource dataSource, string tenantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM tenant_directory WHERE tenant_id = $1)");
        command.Parameters.AddWithValue(tenantId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
