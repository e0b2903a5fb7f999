using System.Diagnostics.Metrics;
using Npgsql;
using RavenXcope.Infrastructure.Nats;

namespace RavenXcope.Silo.Hosting;

/// <summary>
/// Gauges read at scrape time: sensors by tenant, lifecycle, trust state and liveness (from the read model, cached
/// 15 s so that scrapes cannot load the database), and the silo's open NATS connections to tenant accounts.
/// </summary>
public sealed class FleetGauges : IDisposable
{
    // A meter of this silo's own (same name as the shared one, so /metrics picks it up), disposed with the
    // silo: its gauges read this silo's database and NATS connections only.
    private readonly Meter _meter = new(ServiceDefaults.Metrics.MeterName);
    private readonly NpgsqlDataSource _database;
    private readonly object _lock = new();
    private List<Measurement<long>> _cached = [];
    private DateTime _cachedAt = DateTime.MinValue;

    /// <summary>Creates the gauges on the shared meter.</summary>
    public FleetGauges(NpgsqlDataSource database, NatsConnections connections)
    {
        _database = database;
        _meter.CreateObservableGauge("rxc.sensors", Sensors, description: "Sensors by tenant, lifecycle and trust state");
        _meter.CreateObservableGauge("rxc.nats.connections", () => connections.OpenTenantConnections, description: "Open NATS connections of the silo to tenant accounts (one per tenant)");
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> Sensors()
    {
        lock (_lock)
        {
            if (DateTime.UtcNow - _cachedAt < TimeSpan.FromSeconds(15))
            {
                return _cached;
            }

            var measurements = new List<Measurement<long>>();
            try
            {
                using var command = _database.CreateCommand("SELECT tenant_id, lifecycle, coalesce(trust_state, 'none'), liveness, count(*) FROM sensor_directory GROUP BY 1, 2, 3, 4");
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    measurements.Add(new Measurement<long>(
                        reader.GetInt64(4),
                        new KeyValuePair<string, object?>("tenant", reader.GetString(0)),
                        new KeyValuePair<string, object?>("lifecycle", reader.GetString(1)),
                        new KeyValuePair<string, object?>("trust_state", reader.GetString(2)),
                        new KeyValuePair<string, object?>("liveness", reader.GetString(3))));
                }
            }
            catch (NpgsqlException)
            {
                return _cached;
            }

            _cached = measurements;
            _cachedAt = DateTime.UtcNow;
            return measurements;
        }
    }
}
