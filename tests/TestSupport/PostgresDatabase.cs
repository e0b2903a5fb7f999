using Npgsql;

namespace RavenXcope.TestSupport;

/// <summary>A database of its own for one test, on the PostgreSQL that scripts/test.sh started; dropped on dispose.</summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string _admin;

    private PostgresDatabase(string admin, string name)
    {
        _admin = admin;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>Npgsql connection string of the database (no search path: the code under test sets it).</summary>
    public string ConnectionString { get; }

    /// <summary>Creates an empty database whose name starts with <paramref name="prefix"/>.</summary>
    public static async Task<PostgresDatabase> CreateAsync(string prefix = "rxc")
    {
        var admin = TestEnvironment.PostgresAdmin;
        var database = new PostgresDatabase(admin, $"{prefix}_{Guid.NewGuid().ToString("N")[..16]}");
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database.Name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return database;
    }

    /// <summary>Runs <paramref name="sql"/> and returns the first column of the first row.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs <paramref name="sql"/> for its effect.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The database goes away for <paramref name="outage"/> as in a PostgreSQL restart, seen from its clients: every open
    /// connection is cut and new ones are refused, then it comes back. The server itself, shared by other tests, keeps running.
    /// </summary>
    public async Task OutageAsync(TimeSpan outage)
    {
        await using var away = await BeginOutageAsync();
        await Task.Delay(outage);
    }

    /// <summary>Cuts every connection to the database and refuses new ones until the result is disposed.</summary>
    public async Task<IAsyncDisposable> BeginOutageAsync()
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var refuse = new NpgsqlCommand($"ALTER DATABASE \"{Name}\" ALLOW_CONNECTIONS false; SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{Name}'", connection);
        await refuse.ExecuteNonQueryAsync();
        return new Outage(this);
    }

    private sealed class Outage(PostgresDatabase database) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using var connection = new NpgsqlConnection(database._admin);
            await connection.OpenAsync();
            await using var allow = new NpgsqlCommand($"ALTER DATABASE \"{database.Name}\" ALLOW_CONNECTIONS true", connection);
            await allow.ExecuteNonQueryAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
