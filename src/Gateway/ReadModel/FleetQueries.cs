using RavenXcope.Gateway.Api;
using RavenXcope.Infrastructure.Postgres;

namespace RavenXcope.Gateway.ReadModel;

/// <summary>The operator API's views of the read model and the audit chain: rows mapped to HTTP records at the edge.</summary>
public sealed class FleetQueries(FleetReadModel readModel, AuditStore audit)
{
    /// <summary>One page of a tenant's sensors in id order, optionally filtered.</summary>
    public async Task<SensorPage> ListSensorsAsync(string tenantId, string? lifecycle, string? trustState, string? after, int limit, CancellationToken cancellationToken)
    {
        var page = await readModel.ListSensorsAsync(tenantId, lifecycle, trustState, after, limit, cancellationToken);
        var items = page.Items
            .Select(s => new SensorListItem(s.SensorId, s.Name, s.Lifecycle, s.TrustState ?? "none", s.CertificateSerial, s.CertificateNotAfter, s.UpdatedAt))
            .ToList();
        return new SensorPage(items, page.HasMore ? items[^1].SensorId : null);
    }

    /// <summary>A page of the tenant's audit chain in sequence order.</summary>
    public async Task<AuditPage> AuditAsync(string tenantId, long after, int limit, CancellationToken cancellationToken)
    {
        var page = await audit.PageAsync(tenantId, after, limit, cancellationToken);
        var items = page.Items
            .Select(e => new AuditEntry(e.Sequence, e.At, e.Actor, e.Action, e.Subject, e.Outcome, e.Detail, Convert.ToHexStringLower(e.Mac)))
            .ToList();
        return new AuditPage(items, page.HasMore ? items[^1].Sequence : null);
    }

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
        return new TrustAlerts([.. rows.Select(s => new TrustAlert(
            s.SensorId, s.Name, s.TrustState!,
            s.TrustState switch { "expired" => "critical", "renewal_due" => "high", _ => "warning" },
            s.CertificateNotAfter))]);
    }
}
