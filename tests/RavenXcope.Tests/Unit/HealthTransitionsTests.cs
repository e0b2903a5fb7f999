using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RavenXcope.ServiceDefaults;
using RavenXcope.Tests.Integration;

namespace RavenXcope.Tests.Unit;

/// <summary>A dependency's outage is two log lines, whatever the number of health checks during it.</summary>
public sealed class HealthTransitionsTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-01-31T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly GatewayBoundaryFixture.CapturedLog _log = new();

    [Fact]
    public void An_outage_seen_by_many_checks_is_one_warning_when_it_starts_and_one_with_its_length_and_count_when_it_ends()
    {
        var transitions = Transitions();
        transitions.Observe(Report(HealthStatus.Healthy));
        for (var i = 0; i < 12; i++)
        {
            transitions.Observe(Report(HealthStatus.Unhealthy, "database unreachable: connection refused"));
            _clock.Advance(TimeSpan.FromSeconds(5));
        }

        transitions.Observe(Report(HealthStatus.Healthy));
        transitions.Observe(Report(HealthStatus.Healthy));

        Assert.Collection(
            _log.Entries,
            down => Assert.Equal("Health: database is Unhealthy: database unreachable: connection refused (logged again when it is healthy)", down.Message),
            up => Assert.Equal("Health: database is healthy again after 60 s; 12 check(s) found it Unhealthy", up.Message));
        Assert.All(_log.Entries, e => Assert.Equal(LogLevel.Warning, e.Level));
    }

    [Fact]
    public void A_change_between_degraded_and_unhealthy_is_a_line_of_its_own_and_the_count_covers_both()
    {
        var transitions = Transitions();
        transitions.Observe(Report(HealthStatus.Degraded, "NATS unreachable"));
        transitions.Observe(Report(HealthStatus.Degraded, "NATS unreachable"));
        transitions.Observe(Report(HealthStatus.Unhealthy, "cluster unreachable"));
        _clock.Advance(TimeSpan.FromSeconds(30));
        transitions.Observe(Report(HealthStatus.Healthy));

        Assert.Equal(3, _log.Entries.Count);
        Assert.Contains("is Degraded: NATS unreachable", _log.Entries[0].Message, StringComparison.Ordinal);
        Assert.Contains("is Unhealthy: cluster unreachable", _log.Entries[1].Message, StringComparison.Ordinal);
        Assert.Equal("Health: database is healthy again after 30 s; 3 check(s) found it Unhealthy", _log.Entries[2].Message);
    }

    [Fact]
    public void A_healthy_dependency_logs_nothing()
    {
        var transitions = Transitions();
        for (var i = 0; i < 5; i++)
        {
            transitions.Observe(Report(HealthStatus.Healthy));
        }

        Assert.Empty(_log.Entries);
    }

    private HealthTransitions Transitions() => new(new LoggerFactory([_log]).CreateLogger<HealthTransitions>(), _clock);

    private static HealthReport Report(HealthStatus status, string? description = null) =>
        new(new Dictionary<string, HealthReportEntry> { ["database"] = new(status, description, TimeSpan.FromMilliseconds(2), null, null) }, TimeSpan.FromMilliseconds(2));
}
