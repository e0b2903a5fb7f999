using Microsoft.Extensions.Diagnostics.HealthChecks;
using RavenXcope.ServiceDefaults;
using RavenXcope.Silo.Database;

namespace RavenXcope.Silo.Health;

/// <summary>Healthy when PostgreSQL answers and holds every migration this build needs.</summary>
public sealed class DatabaseHealthCheck(DatabaseSettings settings) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var status = await new SchemaMigrator(settings.ConnectionString).GetStatusAsync(cancellationToken);
            return status.IsCurrent
                ? HealthCheckResult.Healthy(status.Describe())
                : HealthCheckResult.Unhealthy(status.Describe());
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or SchemaMismatchException or TimeoutException)
        {
            // The exception's message names the host and the error, never the password.
            return HealthCheckResult.Unhealthy($"database unreachable: {e.Message}");
        }
    }
}
