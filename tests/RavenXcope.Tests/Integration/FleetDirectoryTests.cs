using Npgsql;
using RavenXcope.Grains.Model;
using RavenXcope.ServiceDefaults;
using RavenXcope.Infrastructure.Postgres;

namespace RavenXcope.Tests.Integration;

/// <summary>The read model's sensor rows, written in groups, against a real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class FleetDirectoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Concurrent_upserts_each_return_after_their_row_is_stored_and_the_newest_snapshot_of_a_sensor_wins()
    {
        await using var db = await PostgresDatabase.CreateAsync("directory");
        await new SchemaMigrator(db.ConnectionString).MigrateAsync();
        await using var dataSource = new NpgsqlDataSourceBuilder(PostgresConnectionString.ForSchema(db.ConnectionString)).Build();
        var directory = new FleetReadModelWriter(dataSource);

        // More rows than one statement takes, and one sensor written many times over in the same burst.
        var rows = Enumerable.Range(0, FleetReadModelWriter.MaxBatch + 300)
            .Select(i => Snapshot($"s{i:D4}", "registered", T0))
            .Concat(Enumerable.Range(1, 40).Select(i => Snapshot("busy", i == 40 ? "enrolled" : "registered", T0.AddSeconds(i))))
            .ToList();
        await Task.WhenAll(rows.Select(r => directory.UpsertSensorAsync(r)));

        Assert.Equal((long)FleetReadModelWriter.MaxBatch + 301, await db.ScalarAsync<long>("SELECT count(*) FROM ravenxcope.sensor_directory"));
        Assert.Equal("enrolled", await db.ScalarAsync<string>("SELECT lifecycle FROM ravenxcope.sensor_directory WHERE sensor_id = 'busy'"));

        // An older snapshot that arrives late changes nothing; a newer one does, certificate fields included.
        await directory.UpsertSensorAsync(Snapshot("busy", "registered", T0));
        Assert.Equal("enrolled", await db.ScalarAsync<string>("SELECT lifecycle FROM ravenxcope.sensor_directory WHERE sensor_id = 'busy'"));
        await directory.UpsertSensorAsync(Snapshot("busy", "disabled", T0.AddMinutes(5)) with { CertificateSerial = "0A", CertificateNotAfter = T0.AddDays(30) });
        Assert.Equal("disabled/0A", await db.ScalarAsync<string>("SELECT lifecycle || '/' || cert_serial FROM ravenxcope.sensor_directory WHERE sensor_id = 'busy'"));
        Assert.Equal(T0.AddDays(30).UtcDateTime, await db.ScalarAsync<DateTime>("SELECT cert_not_after FROM ravenxcope.sensor_directory WHERE sensor_id = 'busy'"));

        await directory.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => directory.UpsertSensorAsync(Snapshot("late", "registered", T0)));
    }

    private static SensorSnapshot Snapshot(string sensorId, string lifecycle, DateTimeOffset updatedAt) => new(
        "acme", sensorId, $"sensor {sensorId}",
        lifecycle switch { "enrolled" => SensorLifecycle.Enrolled, "disabled" => SensorLifecycle.Disabled, _ => SensorLifecycle.Registered },
        TrustState.None, null, null, 0, T0, updatedAt, null, null);
}
