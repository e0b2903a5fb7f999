using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace RavenXcope.ServiceDefaults;

/// <summary>
/// <c>/metrics</c> in Prometheus format (OpenTelemetry): the <c>RavenXcope</c> meter, ASP.NET Core request
/// durations, and the runtime's own. Labels are bounded: tenant, state, reason, outcome; never a sensor.
/// </summary>
public static class Metrics
{
    /// <summary>Name of our meter.</summary>
    public const string MeterName = "RavenXcope";

    /// <summary>Registers the metrics pipeline.</summary>
    public static IServiceCollection AddRavenXcopeMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(MeterName)
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Serves <c>/metrics</c>.</summary>
    public static WebApplication MapRavenXcopeMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
