using Microsoft.Extensions.Diagnostics.HealthChecks;
using RavenXcope.Infrastructure.Postgres;

namespace RavenXcope.Silo.Health;

/// <summary>Healthy when PostgreSQL answers and holds every migration this build needs.</summary>
public sealed class DatabaseHealthCheck(SchemaMigrator schema) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var status = await schema.GetStatusAsync(cancellationToken);
            return status.IsCurrent
                ? HealthCheckResult.Healthy(status.Describe())
                : HealthCheckResult.Unhealthy(status.Describe());
        }
        catch (Exception e) when (e is System.Data.Common.DbException or SchemaMismatchException or TimeoutException)
        {
            // The exception's message names the host and the error, never the password.
            return HealthCheckResult.Unhealthy($"database unreachable: {e.Message}");
        }
    }
}
