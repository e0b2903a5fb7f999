using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RavenXcope.Tests.Integration;

namespace RavenXcope.Tests.Suricata;

/// <summary>
/// Every part a real process, Suricata too: ravenxcope-silo, ravenxcope-gateway, nats-server in operator mode, and
/// ravenxcope-sensor, joined with its claim code alone (the CA pinned by the code's fingerprint), supervising the
/// real Suricata 7 on the loopback interface.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SuricataEndToEndTests
{
    [Fact]
    public async Task A_start_runs_suricata_whose_own_counters_reach_the_sensor_and_status_and_a_stop_ends_it()
    {
        await using var stack = await ProcessStack.StartAsync("e2e_suricata", withNats: true);
        using var suricata = RealSuricata.Create();
        var api = stack.Api;
        await stack.CreateProvisionedTenantAsync("acme");
        var stateDir = await stack.EnrolledSensorAsync("acme", "edge-1");

        // Sent while the agent is not running: it waits in the sensor's consumer.
        var start = await CommandAsync(api, "start");
        var agent = stack.RunAgent("agent", stateDir, suricata);
        await ProcessEndToEndTests.CommandStatusAsync(api, start, "done", agent, TimeSpan.FromSeconds(90));
        var sensor = await ProcessEndToEndTests.SensorAsync(api, s => s.GetProperty("suricata").GetString() == "running" && s.GetProperty("suricataDetail").ValueKind == JsonValueKind.Object, "the sensor to show Suricata running with its own facts", agent);
        var detail = sensor.GetProperty("suricataDetail");
        Assert.StartsWith("7.", detail.GetProperty("version").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, detail.GetProperty("rulesLoaded").GetInt64());

        // Sent on every look (Suricata's socket can answer before its capture threads take packets).
        await ProcessEndToEndTests.SensorAsync(
            api,
            s =>
            {
                suricata.SendPackets(5);
                return s.GetProperty("suricataDetail").TryGetProperty("packets", out var p) && p.GetInt64() >= 25;
            },
            "Suricata's packet counter on the sensor",
            agent);

        // The fleet's view in the silo's metrics: what was captured, and sensors by Suricata state, with no sensor label.
        using (var http = new HttpClient())
        {
            var metricsUrl = new Uri(stack.SiloHealthUrl.Replace("/healthz", "/metrics", StringComparison.Ordinal));
            var metrics = await Eventually.WaitAsync(
                async () => (string?)await http.GetStringAsync(metricsUrl),
                m => PrometheusText.Sum(m!, "rxc_suricata_packets_total") > 0 && m!.Contains("rxc_suricata_sensors{", StringComparison.Ordinal),
                "the silo's metrics to count Suricata's packets");
            var lines = metrics.Split('\n').Where(l => l.StartsWith("rxc_suricata", StringComparison.Ordinal)).ToList();
            Assert.Contains(lines, l => l.StartsWith("rxc_suricata_sensors{", StringComparison.Ordinal) && l.Contains("state=\"running\"", StringComparison.Ordinal));
            Assert.All(lines, l => Assert.DoesNotContain("edge-1", l, StringComparison.Ordinal));
        }

        // The host's own view: the agent runs, NATS is connected, Suricata answers with its counters.
        var (statusExit, statusText) = await ServiceProcess.RunAsync(ProcessStack.Agent, ["status", "--state-dir", stateDir, "--runtime-dir", suricata.RuntimeDirectory], new Dictionary<string, string>());
        Assert.True(statusExit == 0, statusText);
        Assert.Contains("agent        running", statusText, StringComparison.Ordinal);
        Assert.Contains("nats         connected", statusText, StringComparison.Ordinal);
        Assert.Matches(@"suricata\s+running \(desired running\), pid \d+, 7\.0\.\d+ RELEASE, up \d+", statusText);
        Assert.Contains("heartbeat", statusText, StringComparison.Ordinal);
        var (_, statusJson) = await ServiceProcess.RunAsync(ProcessStack.Agent, ["status", "--json", "--state-dir", stateDir, "--runtime-dir", suricata.RuntimeDirectory], new Dictionary<string, string>());
        var pid = JsonDocument.Parse(statusJson).RootElement.GetProperty("agent").GetProperty("suricata").GetProperty("pid").GetInt32();
        Assert.True(Processes.Alive(pid));

        var stop = await CommandAsync(api, "stop");
        await ProcessEndToEndTests.CommandStatusAsync(api, stop, "done", agent);
        Assert.False(Processes.Alive(pid), $"Suricata (pid {pid}) is gone after the stop");
        await ProcessEndToEndTests.SensorAsync(api, s => s.GetProperty("suricata").GetString() == "stopped", "the sensor to show Suricata stopped", agent);

        await stack.StopAsync(agent);
        var (stoppedExit, stoppedText) = await ServiceProcess.RunAsync(ProcessStack.Agent, ["status", "--state-dir", stateDir, "--runtime-dir", suricata.RuntimeDirectory], new Dictionary<string, string>());
        Assert.True(stoppedExit == 9, stoppedText);
        Assert.Contains("not running (stopped", stoppedText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_start_with_a_broken_configuration_is_failed_with_suricatas_own_error_on_the_command_and_the_sensor()
    {
        await using var stack = await ProcessStack.StartAsync("e2e_suricata_broken", withNats: true);
        using var suricata = RealSuricata.Create();
        var api = stack.Api;
        await stack.CreateProvisionedTenantAsync("acme");
        var stateDir = await stack.EnrolledSensorAsync("acme", "edge-1");
        var agent = stack.RunAgent("agent", stateDir, suricata, suricata.BrokenConfig());

        var start = await CommandAsync(api, "start");

        await ProcessEndToEndTests.CommandStatusAsync(api, start, "failed", agent, TimeSpan.FromSeconds(60));
        var command = await (await api.GetAsync(new Uri($"/api/v1/tenants/acme/sensors/edge-1/commands/{start}", UriKind.Relative))).JsonAsync();
        Assert.Contains("configuration file must begin with", command.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var sensor = await ProcessEndToEndTests.SensorAsync(api, s => s.GetProperty("suricata").GetString() == "failed", "the sensor to show Suricata failed", agent);
        Assert.Contains("suricata -T", sensor.GetProperty("suricataDetail").GetProperty("error").GetString(), StringComparison.Ordinal);

        // No crash loop: nothing was started, and nothing is retried until the next command.
        Assert.DoesNotContain("restarting in", agent.Output, StringComparison.Ordinal);
        var (statusExit, statusText) = await ServiceProcess.RunAsync(ProcessStack.Agent, ["status", "--state-dir", stateDir, "--runtime-dir", suricata.RuntimeDirectory], new Dictionary<string, string>());
        Assert.True(statusExit == 10, statusText);
        Assert.Contains("problem", statusText, StringComparison.Ordinal);
    }

    private static async Task<string> CommandAsync(HttpClient api, string type)
    {
        using var response = await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors/edge-1/commands", new { type });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("commandId").GetString()!;
    }
}
