using RavenXcope.ServiceDefaults.ApiKeys;
using RavenXcope.Infrastructure.Postgres;

namespace RavenXcope.Tests.Integration;

/// <summary>A migrated database, a silo and a gateway shared by the tests of one class; each test uses its own tenant.</summary>
public sealed class TrustStackFixture : IAsyncLifetime
{
    private PostgresDatabase? _database;

    /// <summary>The database.</summary>
    public PostgresDatabase Database => _database!;

    /// <summary>The silo.</summary>
    public TestSilo Silo { get; private set; } = null!;

    /// <summary>The gateway.</summary>
    public TestGateway Gateway { get; private set; } = null!;

    /// <summary>A global admin key.</summary>
    public string AdminKey { get; private set; } = string.Empty;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _database = await PostgresDatabase.CreateAsync("trust");
        await new SchemaMigrator(_database.ConnectionString).MigrateAsync();
        Silo = await TestSilo.StartAsync(_database.ConnectionString, "silo-trust");
        Gateway = await TestGateway.StartAsync(_database.ConnectionString);
        AdminKey = await TrustClient.CreateKeyAsync(_database.ConnectionString, ApiKeyRole.Admin);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Silo.DisposeAsync();
        await _database!.DisposeAsync();
    }
}
