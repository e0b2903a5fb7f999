using System.Diagnostics.Metrics;
using System.Data.Common;
using RavenXcope.Infrastructure.Nats;
using RavenXcope.Infrastructure.Postgres;

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
    private readonly FleetReadModel _readModel;
    private readonly object _lock = new();
    private List<Measurement<long>> _cached = [];
    private DateTime _cachedAt = DateTime.MinValue;

    /// <summary>Creates the gauges on the shared meter.</summary>
    public FleetGauges(FleetReadModel readModel, NatsConnections connections)
    {
        _readModel = readModel;
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
                foreach (var tally in _readModel.FleetTallies())
                {
                    measurements.Add(new Measurement<long>(
                        tally.Count,
                        new KeyValuePair<string, object?>("tenant", tally.TenantId),
                        new KeyValuePair<string, object?>("lifecycle", tally.Lifecycle),
                        new KeyValuePair<string, object?>("trust_state", tally.TrustState),
                        new KeyValuePair<string, object?>("liveness", tally.Liveness)));
                }
            }
            catch (DbException)
            {
                return _cached;
            }

            _cached = measurements;
            _cachedAt = DateTime.UtcNow;
            return measurements;
        }
    }
}
