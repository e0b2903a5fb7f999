using Microsoft.Extensions.Diagnostics.HealthChecks;
using RavenXcope.Grains.Nats;

namespace RavenXcope.Silo.Health;

/// <summary>
/// NATS as a dependency of its own: degraded (not unhealthy: the silo still serves every call, and commands wait in
/// their ledgers) when NATS does not answer or a bridge connection is down.
/// </summary>
public sealed class NatsHealthCheck(IControlBusHealth bus) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = await bus.DescribeAsync(cancellationToken);
        var data = new Dictionary<string, object>
        {
            ["openConnections"] = status.OpenConnections,
            ["downConnections"] = status.DownConnections,
            ["commandsAwaitingPublication"] = status.AwaitingPublication,
        };
        return !status.Enabled || status.Connected
            ? HealthCheckResult.Healthy(status.Detail, data)
            : HealthCheckResult.Degraded(status.Detail, data: data);
    }
}
