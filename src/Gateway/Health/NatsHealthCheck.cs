using Microsoft.Extensions.Diagnostics.HealthChecks;
using RavenXcope.Grains;

namespace RavenXcope.Gateway.Health;

/// <summary>
/// NATS as the cluster sees it (the gateway holds no NATS connection): degraded when a silo reports NATS down, so a
/// load balancer keeps sending traffic (every API call still works) while an SRE sees why commands wait.
/// </summary>
public sealed class NatsHealthCheck(IClusterClient client) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var status = await client.GetGrain<IControlBusStatusGrain>(IControlBusStatusGrain.Key).GetAsync().WaitAsync(Timeout, cancellationToken);
            var data = new Dictionary<string, object> { ["commandsAwaitingPublication"] = status.AwaitingPublication };
            return !status.Enabled || status.Connected
                ? HealthCheckResult.Healthy(status.Detail, data)
                : HealthCheckResult.Degraded(status.Detail, data: data);
        }
        catch (Exception e) when (e is TimeoutException or SiloUnavailableException or OrleansException or InvalidOperationException)
        {
            return HealthCheckResult.Degraded($"NATS state unknown: the cluster did not answer ({e.GetType().Name})");
        }
    }
}
