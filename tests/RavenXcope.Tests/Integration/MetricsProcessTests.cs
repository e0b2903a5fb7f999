using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// <c>/metrics</c> of the real silo and gateway processes: our families (each from the start, at zero), the service's
/// name, the runtime's, the process's and Orleans' own; <c>reason</c> labels in one style; the fleet count exported by
/// one silo only; and the Grafana dashboard in deploy/ asking only for metrics that are exported.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class MetricsProcessTests
{
    private static readonly string[] SiloFamilies =
    [
        "rxc_enrollments_total", "rxc_commands_total", "rxc_status_messages_total", "rxc_commands_awaiting_publication",
        "rxc_nats_connections", "rxc_sensors", "rxc_suricata_sensors", "rxc_fleet_exporter", "rxc_audit_entries_total", "rxc_audit_queue",
    ];

    private static readonly string[] GatewayFamilies = ["rxc_heartbeats_total", "rxc_problems_total", "rxc_audit_entries_total", "rxc_audit_queue", "http_server_request_duration_seconds"];

    // Exported by both: the runtime's, the process's and Orleans' instruments (the gateway is an Orleans client).
    private static readonly string[] CommonPrefixes = ["dotnet_", "process_", "orleans_"];

    private static readonly string[] PromQlWords = ["sum", "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset"];

    [Fact]
    public async Task Silo_and_gateway_export_our_families_and_the_runtime_process_and_Orleans_ones_and_the_dashboard_asks_for_nothing_else()
    {
        await using var stack = await ProcessStack.StartAsync("metrics", withNats: false);
        var tenant = await stack.Api.PostAsJsonAsync("/api/v1/tenants", new { tenantId = "acme", name = "Acme" });
        Assert.True(tenant.IsSuccessStatusCode, await tenant.Content.ReadAsStringAsync());
        var sensor = await stack.Api.PostAsJsonAsync("/api/v1/tenants/acme/sensors", new { sensorId = "edge-1", name = "Edge 1" });
        Assert.True(sensor.IsSuccessStatusCode, await sensor.Content.ReadAsStringAsync());
        using var refused = await stack.Api.GetAsync(new Uri("/api/v1/tenants/nobody", UriKind.Relative));

        var siloUrl = new Uri(new Uri(stack.SiloHealthUrl), "/metrics");
        var silo = await Eventually.WaitAsync(
            () => ScrapeAsync(siloUrl),
            text => text!.Contains("rxc_sensors{", StringComparison.Ordinal) && text.Contains("tenant=\"acme\"", StringComparison.Ordinal),
            "the silo to export the fleet count with the new sensor",
            TimeSpan.FromSeconds(60));
        var gateway = (await ScrapeAsync(new Uri(stack.Api.BaseAddress!, "/metrics")))!;

        var siloNames = Names(silo);
        var gatewayNames = Names(gateway);
        Assert.All(SiloFamilies, family => Assert.True(siloNames.Contains(family), $"the silo does not export {family}:\n{silo}"));
        Assert.All(GatewayFamilies, family => Assert.True(gatewayNames.Contains(family), $"the gateway does not export {family}:\n{gateway}"));
        foreach (var (names, text, service) in new[] { (siloNames, silo, "ravenxcope-silo"), (gatewayNames, gateway, "ravenxcope-gateway") })
        {
            Assert.All(CommonPrefixes, prefix => Assert.True(names.Any(n => n.StartsWith(prefix, StringComparison.Ordinal)), $"{service} exports no {prefix}* metric:\n{text}"));
            Assert.Contains($"service_name=\"{service}\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain("unknown_service", text, StringComparison.Ordinal);
            Assert.All(ReasonLabel().Matches(text), m => Assert.Matches("^[a-z][a-z0-9_]*$", m.Groups[1].Value));
        }

        Assert.True(PrometheusText.Sum(gateway, "rxc_problems_total", "code=\"tenant_not_found\"") >= 1, gateway);
        Assert.Equal(1d, PrometheusText.Sum(silo, "rxc_fleet_exporter"));

        // Every query of the dashboard names metrics the processes export.
        var dashboard = Path.Combine(ServiceProcess.RepositoryRoot, "deploy", "grafana", "ravenxcope-fleet.json");
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(dashboard));
        var queries = document.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        Assert.True(queries.Count >= 10, $"only {queries.Count} queries in the dashboard");
        var exported = siloNames.Union(gatewayNames).ToHashSet(StringComparer.Ordinal);
        var unknown = queries.SelectMany(q => MetricsOf(q).Where(m => !exported.Contains(m)).Select(m => $"{m} (in {q})")).ToList();
        Assert.True(unknown.Count == 0, $"the dashboard asks for metrics nobody exports:\n{string.Join('\n', unknown)}");
        Assert.True(queries.SelectMany(MetricsOf).Distinct().Count() >= 10, "the dashboard's queries name too few metrics for the check to mean anything");
    }

    [Fact]
    public async Task The_fleet_count_is_exported_by_one_silo_and_another_takes_over_when_it_stops()
    {
        await using var stack = await ProcessStack.StartAsync("metrics_one", withNats: false);
        Assert.True((await stack.Api.PostAsJsonAsync("/api/v1/tenants", new { tenantId = "acme", name = "Acme" })).IsSuccessStatusCode);
        Assert.True((await stack.Api.PostAsJsonAsync("/api/v1/tenants/acme/sensors", new { sensorId = "edge-1", name = "Edge 1" })).IsSuccessStatusCode);
        var first = new Uri(new Uri(stack.SiloHealthUrl), "/metrics");
        // The count is refreshed in the background: wait for a refresh that has seen the sensor.
        await Eventually.WaitAsync(
            () => ScrapeAsync(first),
            t => PrometheusText.Sum(t!, "rxc_fleet_exporter") == 1 && t!.Contains("rxc_sensors{", StringComparison.Ordinal),
            "the first silo to export the fleet count, with the sensor in it",
            TimeSpan.FromSeconds(60));

        var secondSilo = await stack.StartSecondSiloAsync();
        var second = new Uri(SecondSiloUrl(secondSilo, stack), "/metrics");
        var text = await Eventually.WaitAsync(() => ScrapeAsync(second), t => PrometheusText.Sum(t!, "rxc_fleet_exporter") == 0, "the second silo to decide it is not the exporter", TimeSpan.FromSeconds(60));
        Assert.DoesNotContain("rxc_sensors{", text, StringComparison.Ordinal);
        Assert.Contains("rxc_sensors{", await ScrapeAsync(first), StringComparison.Ordinal);

        await stack.StopAsync(stack.Silo);
        await Eventually.WaitAsync(
            () => ScrapeAsync(second),
            t => PrometheusText.Sum(t!, "rxc_fleet_exporter") == 1 && t!.Contains("rxc_sensors{", StringComparison.Ordinal),
            "the second silo to take over the fleet count",
            TimeSpan.FromSeconds(90));
    }

    private static Uri SecondSiloUrl(ServiceProcess silo, ProcessStack stack) =>
        new(stack.SecondSiloUrls.TryGetValue(silo, out var url) ? url : throw new InvalidOperationException("no second silo"));

    private static async Task<string?> ScrapeAsync(Uri url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return await http.GetStringAsync(url);
    }

    // Metric family names in Prometheus text: from the TYPE lines, histograms also with their series' suffixes.
    private static HashSet<string> Names(string text)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)))
        {
            var parts = line.Split(' ');
            names.Add(parts[2]);
            if (parts[3] == "histogram")
            {
                names.UnionWith(new[] { "_bucket", "_sum", "_count" }.Select(s => parts[2] + s));
            }
        }

        foreach (var line in text.Split('\n').Where(l => l.Length > 0 && l[0] != '#'))
        {
            names.Add(line.Split('{', ' ')[0]);
        }

        return names;
    }

    // The metric names a PromQL query reads: identifiers outside label matchers, ranges, strings and by/without lists
    // that are neither functions (followed by "(") nor keywords.
    private static IEnumerable<string> MetricsOf(string query)
    {
        var bare = Regex.Replace(query, "\"[^\"]*\"", "\"\"");
        bare = Regex.Replace(bare, @"\{[^}]*\}", " ");
        bare = Regex.Replace(bare, @"\[[^\]]*\]", " ");
        bare = Regex.Replace(bare, @"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ");
        return Identifier().Matches(bare)
            .Where(m => !PromQlWords.Contains(m.Value) && !bare[(m.Index + m.Length)..].TrimStart().StartsWith('(') && !double.TryParse(m.Value, CultureInfo.InvariantCulture, out _))
            .Select(m => m.Value)
            .Distinct();
    }

    [GeneratedRegex("reason=\"([^\"]*)\"")]
    private static partial Regex ReasonLabel();

    [GeneratedRegex("[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();
}
