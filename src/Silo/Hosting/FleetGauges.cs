using System.Data.Common;
using System.Diagnostics.Metrics;
using RavenXcope.Infrastructure.Nats;
using RavenXcope.Infrastructure.Postgres;

namespace RavenXcope.Silo.Hosting;

/// <summary>
/// The fleet gauges: sensors by tenant, lifecycle, trust state and liveness (<c>rxc_sensors</c>), and the silo's open
/// NATS connections to tenant accounts (<c>rxc_nats_connections</c>, per silo: their sum is the cluster's).
/// </summary>
/// <remarks>
/// <c>rxc_sensors</c> counts the whole fleet from the read model, so one silo exports it: the longest-running active
/// member of the cluster (the others export none, so a sum over silos is the fleet, not a multiple of it; when that silo
/// leaves, the next oldest takes over within a refresh). The count is refreshed in the background every
/// <see cref="RefreshInterval"/>; a scrape only reads the last snapshot, so scrapes put no load on the database and
/// never wait for it. While the database is away the last snapshot stays.
/// </remarks>
public sealed partial class FleetGauges : BackgroundService
{
    /// <summary>How often the fleet count is read from the read model.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(15);

    // A meter of this silo's own (same name as the shared one, so /metrics picks it up), disposed with the silo.
    private readonly Meter _meter = new(ServiceDefaults.Metrics.MeterName);
    private readonly FleetReadModel _readModel;
    private readonly IClusterMembershipService _membership;
    private readonly ILocalSiloDetails _localSilo;
    private readonly TimeProvider _time;
    private readonly ILogger<FleetGauges> _logger;
    private volatile Measurement<long>[] _sensors = [];
    private volatile int _exporting = -1;
    private bool _failing;

    /// <summary>Creates the gauges on the shared meter.</summary>
    public FleetGauges(FleetReadModel readModel, NatsConnections connections, IClusterMembershipService membership, ILocalSiloDetails localSilo, TimeProvider time, ILogger<FleetGauges> logger)
    {
        _readModel = readModel;
        _membership = membership;
        _localSilo = localSilo;
        _time = time;
        _logger = logger;
        _meter.CreateObservableGauge("rxc.sensors", () => _sensors, description: "Sensors by tenant, lifecycle, trust state and liveness (the whole fleet, exported by one silo)");
        _meter.CreateObservableGauge(
            "rxc.fleet.exporter",
            () => _exporting < 0 ? Array.Empty<Measurement<int>>() : [new Measurement<int>(_exporting)],
            description: "1 on the silo that exports the fleet count (rxc_sensors), 0 on the others; absent until its first refresh");
        _meter.CreateObservableGauge("rxc.nats.connections", () => connections.OpenTenantConnections, description: "Open NATS connections of this silo to tenant accounts (one per tenant)");
    }

    /// <summary>True while this silo is the one that exports the fleet count.</summary>
    public bool IsExporter
    {
        get
        {
            var active = _membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
            // The lowest generation (an epoch-based start time) is the longest-running; the address breaks a tie.
            var oldest = active.OrderBy(a => a.Generation).ThenBy(a => a.ToParsableString(), StringComparer.Ordinal).FirstOrDefault();
            return oldest is not null && oldest.Equals(_localSilo.SiloAddress);
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval, _time);
        do
        {
            await RefreshAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (!IsExporter)
        {
            _sensors = [];
            _exporting = 0;
            return;
        }

        try
        {
            var tallies = await _readModel.FleetTalliesAsync(cancellationToken);
            _sensors = [.. tallies.Select(t => new Measurement<long>(
                t.Count,
                new KeyValuePair<string, object?>("tenant", t.TenantId),
                new KeyValuePair<string, object?>("lifecycle", t.Lifecycle),
                new KeyValuePair<string, object?>("trust_state", t.TrustState),
                new KeyValuePair<string, object?>("liveness", t.Liveness)))];
            _exporting = 1;
            if (_failing)
            {
                _failing = false;
                LogRefreshed(_logger);
            }
        }
        catch (Exception e) when (e is DbException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            // The database's outage is the health check's to report; here one line when the gauge goes stale.
            if (!_failing)
            {
                _failing = true;
                LogStale(_logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fleet gauges: the read model does not answer ({Reason}); rxc_sensors keeps its last values until it does")]
    private static partial void LogStale(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fleet gauges: the read model answers again; rxc_sensors is current")]
    private static partial void LogRefreshed(ILogger logger);
}
