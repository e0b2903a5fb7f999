using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace RavenXcope.ServiceDefaults;

/// <summary>
/// <c>/metrics</c> in Prometheus format (OpenTelemetry): the <c>RavenXcope</c> meter, Orleans' own meter, ASP.NET Core
/// and Kestrel, the .NET runtime (GC, thread pool, JIT) and the process (CPU, memory). Labels are bounded: tenant,
/// state, reason, outcome; never a sensor. The resource names the service (<c>service_name</c> on <c>target_info</c>).
/// </summary>
public static class Metrics
{
    /// <summary>Name of our meter.</summary>
    public const string MeterName = "RavenXcope";

    /// <summary>Name of Orleans' meter (activations, grain calls, messaging, membership).</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>Registers the metrics pipeline of the service <paramref name="serviceName"/> (e.g. <c>ravenxcope-silo</c>).</summary>
    public static IServiceCollection AddRavenXcopeMetrics(this IServiceCollection services, string serviceName)
    {
        var version = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName,
                serviceNamespace: "ravenxcope",
                serviceVersion: version,
                autoGenerateServiceInstanceId: false,
                serviceInstanceId: $"{Environment.MachineName}:{Environment.ProcessId}"))
            .WithMetrics(metrics => metrics
                .AddMeter(MeterName)
                .AddMeter(OrleansMeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddPrometheusExporter());
        return services;
    }

    /// <summary>
    /// Starts the metrics pipeline now, then runs <paramref name="registrations"/> (which record the zeros of our
    /// counters): a measurement made before the pipeline listens is lost, so this cannot wait for the host's start.
    /// </summary>
    public static WebApplication StartMetrics(this WebApplication app, params Action[] registrations)
    {
        app.Services.GetService<MeterProvider>();
        foreach (var register in registrations)
        {
            register();
        }

        return app;
    }

    /// <summary>Serves <c>/metrics</c>.</summary>
    public static WebApplication MapRavenXcopeMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
