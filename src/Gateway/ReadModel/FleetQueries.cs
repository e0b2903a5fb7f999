using RavenXcope.Gateway.Api;
using RavenXcope.Infrastructure.Postgres;

namespace RavenXcope.Gateway.ReadModel;

/// <summary>The operator API's views of the read model and the audit chain: rows mapped to HTTP records at the edge.</summary>
public sealed class FleetQueries(FleetReadModel readModel, AuditStore audit, TimeProvider time)
{
    /// <summary>One page of a tenant's sensors in id order, narrowed by <paramref name="filter"/>.</summary>
    public async Task<SensorPage> ListSensorsAsync(string tenantId, SensorFilter filter, string? after, int limit, CancellationToken cancellationToken)
    {
        var page = await readModel.ListSensorsAsync(tenantId, filter, after, limit, cancellationToken);
        var items = page.Items.Select(ListItem).ToList();
        return new SensorPage(items, page.HasMore ? items[^1].SensorId : null);
    }

    /// <summary>One page of the tenants <paramref name="scope"/> may see (null: all), in id order.</summary>
    public async Task<TenantPage> ListTenantsAsync(string? scope, string? after, int limit, CancellationToken cancellationToken)
    {
        var page = await readModel.ListTenantsAsync(scope, after, limit, cancellationToken);
        var items = page.Items.Select(t => new TenantListItem(t.TenantId, t.Name, t.CreatedAt)).ToList();
        return new TenantPage(items, page.HasMore ? items[^1].TenantId : null);
    }

    /// <summary>How far back the fleet page lists commands that failed or expired.</summary>
    public static readonly TimeSpan FailedCommandWindow = TimeSpan.FromHours(24);

    /// <summary>What the fleet page shows, of one tenant or (null) of all: counts, trust alerts, sensors not seen lately, commands that failed lately.</summary>
    public async Task<FleetOverview> OverviewAsync(string? tenantId, int listLimit, CancellationToken cancellationToken)
    {
        var counts = await readModel.CountAsync(tenantId, cancellationToken);
        var alerts = await readModel.AlertsAsync(tenantId, listLimit, cancellationToken);
        var notSeen = await readModel.NotSeenAsync(tenantId, listLimit, cancellationToken);
        var failed = await readModel.FailedCommandsAsync(tenantId, time.GetUtcNow() - FailedCommandWindow, listLimit, cancellationToken);
        static IReadOnlyDictionary<string, int> By(IEnumerable<SensorCount> counts, Func<SensorCount, string> key) =>
            counts.GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(c => c.Count));
        return new FleetOverview(
            counts.Sum(c => c.Count), By(counts, c => c.TrustState), By(counts, c => c.Lifecycle), By(counts, c => c.Liveness),
            [.. alerts.Select(s => new FleetAlert(s.TenantId, Alert(s)))], [.. notSeen.Select(s => new FleetSensor(s.TenantId, ListItem(s)))],
            [.. failed.Select(f => new FleetFailedCommand(f.TenantId, f.SensorId, f.Name, f.CommandId, f.Type, f.Status, f.At, f.Detail))]);
    }

    private static SensorListItem ListItem(SensorRow s) =>
        new(s.SensorId, s.Name, s.Lifecycle, s.TrustState ?? "none", s.CertificateSerial, s.CertificateNotAfter, s.UpdatedAt, s.Liveness, s.Suricata, s.LastHeartbeatAt, s.Hostname, s.AgentVersion);

    private static TrustAlert Alert(SensorRow s) =>
        new(s.SensorId, s.Name, s.TrustState!, TrustAlert.SeverityOf(s.TrustState) ?? "warning", s.CertificateNotAfter);

    /// <summary>A page of the tenant's audit chain in sequence order.</summary>
    public async Task<AuditPage> AuditAsync(string tenantId, Grains.Model.AuditFilter filter, long after, int limit, CancellationToken cancellationToken)
    {
        var page = await audit.PageAsync(tenantId, filter, after, limit, cancellationToken);
        var items = page.Items.Select(Entry).ToList();
        return new AuditPage(items, page.HasMore ? items[^1].Sequence : null);
    }

    /// <summary>The newest <paramref name="limit"/> audit entries about a sensor, newest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> SensorAuditAsync(string tenantId, string sensorId, int limit, CancellationToken cancellationToken) =>
        [.. (await audit.LatestAboutAsync(tenantId, Grains.Model.AuditEvent.Sensor(sensorId), limit, cancellationToken)).Select(Entry)];

    private static AuditEntry Entry(Grains.Audit.AuditRow e) =>
        new(e.Sequence, e.At, e.Actor, e.Action, e.Subject, e.Outcome, e.Detail, Convert.ToHexStringLower(e.Mac));

    /// <summary>Counts by trust state and by lifecycle.</summary>
    public async Task<TrustSummary> SummaryAsync(string tenantId, CancellationToken cancellationToken)
    {
        var byTrust = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byLifecycle = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var total = 0;
        foreach (var tally in await readModel.TallyAsync(tenantId, cancellationToken))
        {
            byTrust[tally.TrustState] = byTrust.GetValueOrDefault(tally.TrustState) + tally.Count;
            byLifecycle[tally.Lifecycle] = byLifecycle.GetValueOrDefault(tally.Lifecycle) + tally.Count;
            total += tally.Count;
        }

        return new TrustSummary(total, byTrust, byLifecycle);
    }

    /// <summary>Sensors nearing or past expiry that are not revoked, most urgent first.</summary>
    public async Task<TrustAlerts> AlertsAsync(string tenantId, CancellationToken cancellationToken)
    {
        var rows = await readModel.AlertsAsync(tenantId, cancellationToken);
        return new TrustAlerts([.. rows.Select(Alert)]);
    }
}
