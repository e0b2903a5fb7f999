using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RavenXcope.Gateway.Health;

/// <summary>Healthy when a silo of the cluster answers a management call within the timeout.</summary>
public sealed class ClusterHealthCheck(IClusterClient client) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(Timeout, cancellationToken);
            var data = new Dictionary<string, object> { ["activeSilos"] = hosts.Count };
            return hosts.Count > 0
                ? HealthCheckResult.Healthy($"cluster reachable; {hosts.Count} active silo(s)", data)
                : HealthCheckResult.Unhealthy("cluster reachable but reports no active silo", data: data);
        }
        catch (Exception e) when (e is TimeoutException or SiloUnavailableException or OrleansException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"cluster unreachable: {e.GetType().Name}: {e.Message}");
        }
    }
}
