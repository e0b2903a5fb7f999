using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RavenXcope.Silo.Health;

/// <summary>Healthy when this silo is an active member of the cluster; reports how many silos are active.</summary>
public sealed class ClusterHealthCheck(IClusterMembershipService membership, ILocalSiloDetails localSilo) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = membership.CurrentSnapshot;
        var active = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        var self = snapshot.GetSiloStatus(localSilo.SiloAddress);
        var data = new Dictionary<string, object>
        {
            ["silo"] = localSilo.SiloAddress.ToParsableString(),
            ["siloStatus"] = self.ToString(),
            ["activeSilos"] = active,
            ["membershipVersion"] = snapshot.Version.Value,
        };
        var result = self == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo is active; {active} active silo(s) in cluster", data)
            : HealthCheckResult.Unhealthy($"silo is {self}, not active", data: data);
        return Task.FromResult(result);
    }
}
