using Npgsql;
using RavenXcope.Common;
using RavenXcope.Grains.Audit;
using RavenXcope.Grains.Model;

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

    /// <summary>A page of the tenant's chain in sequence order, after sequence <paramref name="after"/>, narrowed by <paramref name="filter"/>.</summary>
    public async Task<RowPage<AuditRow>> PageAsync(string tenantId, AuditFilter filter, long after, int limit, CancellationToken cancellationToken)
    {
        var links = await QueryAsync(tenantId, filter, after, limit + 1, withPredecessor: false, cancellationToken);
        return FleetReadModel.Trim(links.Select(l => l.Row).ToList(), limit);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditLink>> LinkedPageAsync(string tenantId, AuditFilter filter, long after, int limit, CancellationToken cancellationToken) =>
        QueryAsync(tenantId, filter, after, limit, withPredecessor: true, cancellationToken);

    // Only the verifier needs each entry's predecessor: one primary-key lookup per entry, so a filtered page is
    // checked without reading the chain; a page that is only shown does not pay for it.
    private async Task<IReadOnlyList<AuditLink>> QueryAsync(string tenantId, AuditFilter filter, long after, int limit, bool withPredecessor, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT a.seq, a.at, a.actor, a.action, a.subject, a.outcome, a.detail, a.prev_mac, a.mac, {(withPredecessor ? "p.mac" : "NULL::bytea")}
              FROM audit_log a
              {(withPredecessor ? "LEFT JOIN audit_log p ON p.tenant_id = a.tenant_id AND p.seq = a.seq - 1" : "")}
             WHERE a.tenant_id = $1 AND a.seq > $2
               AND ($4::text IS NULL OR a.action = $4) AND ($5::text IS NULL OR a.actor = $5) AND ($6::text IS NULL OR a.subject = $6)
             ORDER BY a.seq
             LIMIT $3
            """);
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.AddWithValue(after);
        command.Parameters.AddWithValue(limit);
        AddFilter(command, filter);
        var items = new List<AuditLink>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new AuditLink(Row(tenantId, reader), reader.IsDBNull(9) ? null : (byte[])reader[9]));
        }

        return items;
    }

    /// <summary>The newest <paramref name="limit"/> entries about <paramref name="subject"/>, newest first.</summary>
    public async Task<IReadOnlyList<AuditRow>> LatestAboutAsync(string tenantId, string subject, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT seq, at, actor, action, subject, outcome, detail, prev_mac, mac FROM audit_log WHERE tenant_id = $1 AND subject = $2 ORDER BY seq DESC LIMIT $3");
        command.Parameters.AddWithValue(tenantId);
        command.Parameters.AddWithValue(subject);
        command.Parameters.AddWithValue(limit);
        var items = new List<AuditRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(Row(tenantId, reader));
        }

        return items;
    }

    private static AuditRow Row(string tenantId, NpgsqlDataReader reader) => new(
        tenantId, reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
        reader.GetString(4), reader.GetString(5), reader.GetString(6), (byte[])reader[7], (byte[])reader[8]);

    private static void AddFilter(NpgsqlCommand command, AuditFilter filter)
    {
        foreach (var value in new[] { filter.Action, filter.Actor, filter.Subject })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = string.IsNullOrEmpty(value) ? DBNull.Value : value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        }
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
