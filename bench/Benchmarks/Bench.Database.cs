using System.Diagnostics;
using Npgsql;

namespace RavenXcope.Benchmarks;

/// <summary>The benchmark's own database queries: write counters, liveness, grain states written.</summary>
public sealed partial class Bench
{
    // One pool for the benchmark's own queries (counters, liveness, states written).
    private NpgsqlDataSource Database => _database ??= NpgsqlDataSource.Create(RavenXcope.Infrastructure.Postgres.PostgresConnectionString.ForSchema(target.PgDsn));

    private async Task<long> NotOnlineAsync(string[] tenants, CancellationToken cancellationToken)
    {
        await using var command = Database.CreateCommand("SELECT count(*) FROM sensor_directory WHERE tenant_id = ANY($1) AND lifecycle = 'enrolled' AND liveness <> 'online'");
        command.Parameters.AddWithValue(tenants);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<double> WritesAsync(CancellationToken cancellationToken)
    {
        await using var command = Database.CreateCommand("SELECT pg_stat_clear_snapshot(); SELECT tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = current_database()");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt64(0);
    }

    private async Task<Dictionary<string, long>> WritesByTableAsync(CancellationToken cancellationToken)
    {
        await using var command = Database.CreateCommand("SELECT pg_stat_clear_snapshot(); SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var rows = new Dictionary<string, long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows[reader.GetString(0)] = reader.GetInt64(1);
        }

        return rows;
    }

    private async Task<string> StatesWrittenSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = Database.CreateCommand("SELECT state_name || ' ' || count(*) FROM orleans_storage WHERE modified_at >= $1 GROUP BY state_name ORDER BY count(*) DESC");
        command.Parameters.AddWithValue(since.UtcDateTime);
        var states = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            states.Add(reader.GetString(0));
        }

        return states.Count == 0 ? "none" : string.Join(", ", states);
    }

    // Rows written since a quiet point, less the cluster's own liveness rows: each silo updates its membership row
    // every 30 s (Orleans' IAmAlive) whatever the load, so a window that happens to include one is not a write per message.
    private async Task<(double Writes, string Tables)> WindowWritesAsync(double writesBefore, Dictionary<string, long> tablesBefore, CancellationToken cancellationToken)
    {
        // Our tables only: the database's own counters also count PostgreSQL's catalog upkeep (autovacuum's analyze
        // rewrites pg_statistic rows), which no message or request causes.
        var database = await WritesAsync(cancellationToken) - writesBefore;
        var tablesAfter = await WritesByTableAsync(cancellationToken);
        var ours = tablesAfter.Sum(t => t.Value - tablesBefore.GetValueOrDefault(t.Key));
        var liveness = tablesAfter.Where(t => t.Key.StartsWith("orleans_membership", StringComparison.Ordinal)).Sum(t => t.Value - tablesBefore.GetValueOrDefault(t.Key));
        var tables = TableDelta(tablesBefore, tablesAfter) + (liveness > 0 ? " (membership liveness rows not counted)" : string.Empty);
        return (ours - liveness, database > ours ? $"{tables}; {database - ours} more in PostgreSQL's catalogs" : tables);
    }

    private static string TableDelta(Dictionary<string, long> before, Dictionary<string, long> after)
    {
        var changed = after.Select(t => (t.Key, Rows: t.Value - before.GetValueOrDefault(t.Key))).Where(t => t.Rows > 0).OrderByDescending(t => t.Rows).ToList();
        return changed.Count == 0 ? "none" : string.Join(", ", changed.Select(t => $"{t.Key} {t.Rows}"));
    }

    // PostgreSQL's backends report their row counts up to 10 s after a transaction (PGSTAT_IDLE_INTERVAL):
    // a window's writes are read that long after it, and it starts from counters that have not moved for
    // that long (so earlier work is not counted in it).
    private static readonly TimeSpan StatisticsFlush = TimeSpan.FromSeconds(11);

    private async Task<double> QuietWritesAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 120);
        var count = await WritesAsync(cancellationToken);
        var quietSince = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(quietSince) < StatisticsFlush)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException("the database's write counters did not stay still for 11 s within 2 minutes");
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var now = await WritesAsync(cancellationToken);
            if (now != count)
            {
                (count, quietSince) = (now, Stopwatch.GetTimestamp());
            }
        }

        return count;
    }
}
