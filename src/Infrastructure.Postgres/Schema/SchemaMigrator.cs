using Npgsql;

namespace RavenXcope.Infrastructure.Postgres;

/// <summary>
/// Applies the embedded migrations in order, each in its own transaction together with its row in
/// <c>schema_migrations</c>. Safe to run again (applied versions are skipped) and from several
/// processes at once (a transaction-level advisory lock serialises them).
/// </summary>
public sealed class SchemaMigrator(string connectionString, IReadOnlyList<Migration>? migrations = null)
{
    // An arbitrary constant that names "RavenXcope schema migration" among advisory locks.
    private const long AdvisoryLockKey = 0x5241_5658_4D49_4752;
    private const string Schema = PostgresConnectionString.Schema;

    private readonly IReadOnlyList<Migration> _migrations = migrations ?? Migration.All;
    private readonly string _connectionString = PostgresConnectionString.Parse(connectionString).ConnectionString;

    /// <summary>Applies every pending migration; returns those applied by this call.</summary>
    /// <exception cref="SchemaMismatchException">An applied migration's text differs from this build's.</exception>
    public async Task<IReadOnlyList<Migration>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        var applied = new List<Migration>();
        foreach (var migration in _migrations)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken);
            await ExecuteAsync(connection, $"""
                CREATE SCHEMA IF NOT EXISTS {Schema};
                CREATE TABLE IF NOT EXISTS {Schema}.schema_migrations (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now());
                SET LOCAL search_path TO {Schema};
                """, cancellationToken);

            var recorded = await ReadAppliedAsync(connection, cancellationToken);
            if (recorded.TryGetValue(migration.Version, out var checksum))
            {
                VerifyChecksum(migration, checksum);
                await transaction.RollbackAsync(cancellationToken);
                continue;
            }

            await ExecuteAsync(connection, migration.Sql, cancellationToken);
            await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, checksum) VALUES (@v, @n, @c)", connection))
            {
                record.Parameters.AddWithValue("v", migration.Version);
                record.Parameters.AddWithValue("n", migration.Name);
                record.Parameters.AddWithValue("c", migration.Checksum);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            applied.Add(migration);
        }

        return applied;
    }

    /// <summary>Compares the database with this build without changing anything.</summary>
    /// <exception cref="SchemaMismatchException">An applied migration's text differs from this build's.</exception>
    public async Task<SchemaStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection);
        exists.Parameters.AddWithValue("table", $"{Schema}.schema_migrations");
        var recorded = (bool)(await exists.ExecuteScalarAsync(cancellationToken))!
            ? await ReadAppliedAsync(connection, cancellationToken, qualified: true)
            : [];

        foreach (var migration in _migrations.Where(m => recorded.ContainsKey(m.Version)))
        {
            VerifyChecksum(migration, recorded[migration.Version]);
        }

        var pending = _migrations.Where(m => !recorded.ContainsKey(m.Version)).ToList();
        return new SchemaStatus(recorded.Count == 0 ? 0 : recorded.Keys.Max(), _migrations.Count == 0 ? 0 : _migrations[^1].Version, pending);
    }

    private static void VerifyChecksum(Migration migration, string recorded)
    {
        if (!string.Equals(recorded, migration.Checksum, StringComparison.Ordinal))
        {
            throw new SchemaMismatchException(
                $"migration {migration.Version:D4}_{migration.Name} was applied with a different text than this build ships " +
                "(applied migrations must never be edited: add a new migration instead)");
        }
    }

    private static async Task<Dictionary<int, string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken, bool qualified = false)
    {
        var table = qualified ? $"{Schema}.schema_migrations" : "schema_migrations";
        await using var command = new NpgsqlCommand($"SELECT version, checksum FROM {table}", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new Dictionary<int, string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetInt32(0)] = reader.GetString(1);
        }

        return result;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
