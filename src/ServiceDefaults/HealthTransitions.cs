using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace RavenXcope.ServiceDefaults;

/// <summary>
/// Logs each dependency's changes of health once: a warning when it stops being healthy, and a warning when it is
/// healthy again that says for how long it was not and how many checks found it so. Every health check between the
/// two (each probe of <c>/healthz</c>, and the periodic check that notices an outage nobody probes) is only counted,
/// so an outage probed every few seconds is two lines, not one per probe.
/// </summary>
public sealed partial class HealthTransitions(ILogger<HealthTransitions> logger, TimeProvider clock)
{
    private readonly Dictionary<string, Outage> _outages = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Takes a health report (of a probe or of the periodic check).</summary>
    public void Observe(HealthReport report)
    {
        lock (_lock)
        {
            foreach (var (name, entry) in report.Entries)
            {
                Observe(name, entry);
            }
        }
    }

    private void Observe(string name, HealthReportEntry entry)
    {
        var now = clock.GetUtcNow();
        if (entry.Status == HealthStatus.Healthy)
        {
            if (_outages.Remove(name, out var ended))
            {
                LogRecovered(logger, name, Math.Round((now - ended.Since).TotalSeconds, 1), ended.Checks, ended.Status.ToString());
            }

            return;
        }

        if (_outages.TryGetValue(name, out var outage) && outage.Status == entry.Status)
        {
            outage.Checks++;
            return;
        }

        _outages[name] = new Outage { Since = outage?.Since ?? now, Status = entry.Status, Checks = (outage?.Checks ?? 0) + 1 };
        LogDown(logger, name, entry.Status.ToString(), entry.Description ?? string.Empty);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health: {Dependency} is {Status}: {Description} (logged again when it is healthy)")]
    private static partial void LogDown(ILogger logger, string dependency, string status, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health: {Dependency} is healthy again after {Seconds} s; {Checks} check(s) found it {Status}")]
    private static partial void LogRecovered(ILogger logger, string dependency, double seconds, int checks, string status);

    private sealed class Outage
    {
        public DateTimeOffset Since { get; init; }

        public HealthStatus Status { get; init; }

        public int Checks { get; set; }
    }
}

/// <summary>Feeds the periodic health check to <see cref="HealthTransitions"/>.</summary>
internal sealed class HealthTransitionPublisher(HealthTransitions transitions) : IHealthCheckPublisher
{
    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        transitions.Observe(report);
        return Task.CompletedTask;
    }
}

/// <summary>Registers <see cref="HealthTransitions"/>.</summary>
public static class HealthTransitionsServiceCollectionExtensions
{
    /// <summary>How often the health checks run when nobody probes <c>/healthz</c>.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    /// <summary>Logs changes of health once each (<see cref="HealthTransitions"/>), checking every <see cref="Period"/>.</summary>
    public static IServiceCollection AddHealthTransitions(this IServiceCollection services)
    {
        services.AddSingleton<HealthTransitions>();
        services.AddSingleton<IHealthCheckPublisher, HealthTransitionPublisher>();
        services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.FromSeconds(5);
            o.Period = Period;
        });
        return services;
    }
}
