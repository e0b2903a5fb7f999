using Microsoft.Extensions.Configuration;
using RavenXcope.Infrastructure.Postgres;
using RavenXcope.Silo.Hosting;

namespace RavenXcope.Tests.Integration;

[Collection(PostgresCollection.Name)]
public sealed class MigrationTests
{
    private static readonly string[] RequiredQueryKeys =
    [
        "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey",
        "MembershipReadRowKey", "MembershipReadAllKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey", "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey",
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key",
        "ReadRangeRows2Key", "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    [Fact]
    public async Task Migrate_applies_every_migration_once_and_a_second_run_changes_nothing()
    {
        await using var db = await PostgresDatabase.CreateAsync("migrate");
        var migrator = new SchemaMigrator(db.ConnectionString);

        var first = await migrator.MigrateAsync();
        Assert.Equal(Migration.All.Select(m => m.Version), first.Select(m => m.Version));
        var appliedAt = await db.ScalarAsync<DateTime>("SELECT max(applied_at) FROM ravenxcope.schema_migrations");

        var second = await migrator.MigrateAsync();
        Assert.Empty(second);
        Assert.Equal((long)Migration.All.Count, await db.ScalarAsync<long>("SELECT count(*) FROM ravenxcope.schema_migrations"));
        Assert.Equal(appliedAt, await db.ScalarAsync<DateTime>("SELECT max(applied_at) FROM ravenxcope.schema_migrations"));

        var status = await migrator.GetStatusAsync();
        Assert.True(status.IsCurrent);
        Assert.Equal(Migration.All[^1].Version, status.AppliedVersion);

        foreach (var key in RequiredQueryKeys)
        {
            Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM ravenxcope.orleansquery WHERE querykey = '{key}'"));
        }
    }

    [Fact]
    public async Task Concurrent_migrations_apply_each_version_exactly_once()
    {
        await using var db = await PostgresDatabase.CreateAsync("migrate_race");
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => new SchemaMigrator(db.ConnectionString).MigrateAsync()));

        Assert.Equal(Migration.All.Count, runs.Sum(r => r.Count));
        Assert.Equal((long)Migration.All.Count, await db.ScalarAsync<long>("SELECT count(*) FROM ravenxcope.schema_migrations"));
    }

    [Fact]
    public async Task The_schema_check_refuses_an_empty_database_and_names_the_command_that_fixes_it()
    {
        await using var db = await PostgresDatabase.CreateAsync("empty");

        var status = await new SchemaMigrator(db.ConnectionString).GetStatusAsync();
        Assert.False(status.IsCurrent);
        Assert.Equal(0, status.AppliedVersion);
        Assert.Equal(Migration.All.Count, status.Pending.Count);

        var refusal = await Assert.ThrowsAsync<SchemaMismatchException>(() => SiloApplication.BuildAsync([], builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:ConnectionString"] = db.ConnectionString,
                ["Dashboard:Username"] = TestSilo.DashboardUser,
                ["Dashboard:Password"] = TestSilo.DashboardPassword,
                ["CertificateAuthority:CertificatePath"] = TestPki.CaCertificate,
                ["CertificateAuthority:KeyPath"] = TestPki.CaKey,
            })));
        Assert.Contains("ravenxcope-silo migrate", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("version 0", refusal.Message, StringComparison.Ordinal);

        // Refusing changed nothing: the database is still empty.
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname = 'ravenxcope'"));
    }

    [Fact]
    public async Task A_database_that_is_one_migration_behind_is_refused()
    {
        await using var db = await PostgresDatabase.CreateAsync("behind");
        await new SchemaMigrator(db.ConnectionString, Migration.All.Take(Migration.All.Count - 1).ToList()).MigrateAsync();

        var status = await new SchemaMigrator(db.ConnectionString).GetStatusAsync();
        Assert.False(status.IsCurrent);
        Assert.Equal([Migration.All[^1]], status.Pending);
        Assert.Contains(Migration.All[^1].Name, status.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_applied_migration_whose_text_changed_is_refused()
    {
        await using var db = await PostgresDatabase.CreateAsync("edited");
        await new SchemaMigrator(db.ConnectionString).MigrateAsync();
        await db.ExecuteAsync("UPDATE ravenxcope.schema_migrations SET checksum = 'edited' WHERE version = 1");

        var error = await Assert.ThrowsAsync<SchemaMismatchException>(() => new SchemaMigrator(db.ConnectionString).GetStatusAsync());
        Assert.Contains("0001_orleans", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<SchemaMismatchException>(() => new SchemaMigrator(db.ConnectionString).MigrateAsync());
    }
}
