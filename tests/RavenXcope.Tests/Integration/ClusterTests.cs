using RavenXcope.Infrastructure.Postgres;
using RavenXcope.Tests.Probes;

namespace RavenXcope.Tests.Integration;

/// <summary>Orleans clustering, grain storage and reminders on our own PostgreSQL schema, with real silos.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterTests
{
    [Fact]
    public async Task Two_silos_on_one_database_form_one_cluster()
    {
        await using var db = await MigratedDatabaseAsync("cluster");
        await using var a = await TestSilo.StartAsync(db.ConnectionString, "silo-a");
        await using var b = await TestSilo.StartAsync(db.ConnectionString, "silo-b");

        await Eventually.WaitAsync(async () => await a.ActiveSilosAsync() == 2 && await b.ActiveSilosAsync() == 2, "both silos to see two active silos");
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM ravenxcope.orleans_membership WHERE status = 3"));
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(DISTINCT silo_name) FROM ravenxcope.orleans_membership WHERE silo_name IN ('silo-a', 'silo-b')"));

        // A grain is one activation cluster-wide: both silos reach the same one.
        var key = $"probe-{Guid.NewGuid():N}";
        var host = await a.Grains.GetGrain<IStateProbeGrain>(key).WriteAsync("from a");
        var seenFromB = await b.Grains.GetGrain<IStateProbeGrain>(key).ReadAsync();
        Assert.Equal(host, seenFromB.Silo);
        Assert.Equal("from a", seenFromB.Value);
    }

    [Fact]
    public async Task A_grains_state_survives_the_restart_of_the_silo_that_hosted_it()
    {
        await using var db = await MigratedDatabaseAsync("restart");
        await using var a = await TestSilo.StartAsync(db.ConnectionString, "silo-a");
        await using var b = await TestSilo.StartAsync(db.ConnectionString, "silo-b");
        await Eventually.WaitAsync(async () => await a.ActiveSilosAsync() == 2 && await b.ActiveSilosAsync() == 2, "two active silos");

        var key = $"probe-{Guid.NewGuid():N}";
        var hostIdentity = await a.Grains.GetGrain<IStateProbeGrain>(key).WriteAsync("survives restarts");
        var (hosting, other) = hostIdentity == a.Identity ? (a, b) : (b, a);
        Assert.Equal(hostIdentity, hosting.Identity);

        // The state is in PostgreSQL as plain JSON (System.Text.Json), under the grain's own state name.
        Assert.Contains(
            "survives restarts",
            await db.ScalarAsync<string>("SELECT convert_from(payload, 'UTF8') FROM ravenxcope.orleans_storage WHERE state_name = 'testStateProbe'"),
            StringComparison.Ordinal);

        await hosting.StopAsync();
        var afterStop = await Eventually.WaitAsync(
            async () => (StateProbeSnapshot?)await other.Grains.GetGrain<IStateProbeGrain>(key).ReadAsync(),
            s => s is not null,
            "the grain to answer from the surviving silo");
        Assert.Equal("survives restarts", afterStop.Value);
        Assert.Equal(1, afterStop.Writes);
        Assert.Equal(other.Identity, afterStop.Silo);

        // The stopped silo comes back as a new generation and rejoins; the state is still there.
        await using var restarted = await TestSilo.StartAsync(db.ConnectionString, hosting.Name);
        await Eventually.WaitAsync(async () => await restarted.ActiveSilosAsync() == 2 && await other.ActiveSilosAsync() == 2, "the restarted silo to rejoin");
        Assert.Equal("survives restarts", (await restarted.Grains.GetGrain<IStateProbeGrain>(key).ReadAsync()).Value);
    }

    [Fact]
    public async Task A_reminder_fires_again_after_every_silo_restarted()
    {
        await using var db = await MigratedDatabaseAsync("reminder");
        var key = $"probe-{Guid.NewGuid():N}";

        await using (var first = await TestSilo.StartAsync(db.ConnectionString, "silo-first"))
        {
            var registeredAt = DateTime.UtcNow;
            await first.Grains.GetGrain<IReminderProbeGrain>(key).StartAsync(TimeSpan.FromSeconds(1));
            await Eventually.WaitAsync(() => Task.FromResult(ReminderLog.Count(key, first.Identity, registeredAt) >= 1), "the first tick");
            Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM ravenxcope.orleans_reminders WHERE grain_id LIKE '%{key}'"));
        }

        // Nothing calls the grain from here on: only the reminder, read back from PostgreSQL by a
        // silo that never saw it registered, can make it tick.
        var restartedAt = DateTime.UtcNow;
        await using var second = await TestSilo.StartAsync(db.ConnectionString, "silo-second");
        await Eventually.WaitAsync(
            () => Task.FromResult(ReminderLog.Count(key, second.Identity, restartedAt) >= 2),
            "the reminder to tick on the restarted cluster",
            TimeSpan.FromSeconds(60));

        await second.Grains.GetGrain<IReminderProbeGrain>(key).StopAsync();
        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM ravenxcope.orleans_reminders WHERE grain_id LIKE '%{key}'"));
    }

    private static async Task<PostgresDatabase> MigratedDatabaseAsync(string prefix)
    {
        var db = await PostgresDatabase.CreateAsync(prefix);
        await new SchemaMigrator(db.ConnectionString).MigrateAsync();
        return db;
    }
}
