using System.Globalization;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// Every process of ours logs in one format, chosen by <c>--log-format</c> or <c>LOG_FORMAT</c>: one line per event with
/// a UTC ISO-8601 timestamp, as text or as JSON. Read from the real programs' output.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LogFormatTests
{
    private static string Simulator => ServiceProcess.Program("FleetSim", "ravenxcope-fleetsim", "tools");

    [Fact]
    public async Task Silo_and_gateway_log_one_event_per_line_in_json_from_the_environment_and_in_text_from_the_option()
    {
        await using var stack = await ProcessStack.StartAsync("logs", withNats: false, new Dictionary<string, string> { ["LOG_FORMAT"] = "json" });

        // A second silo and a second gateway of the same stack, told on their command line to write text.
        var silo = new Dictionary<string, string>(stack.Environment)
        {
            ["SILO_PORT"] = Port(FreePort.Next()),
            ["SILO_GATEWAY_PORT"] = Port(FreePort.Next()),
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort.Next()}",
        };
        var textSilo = stack.Start("silo-text", ServiceProcess.Program("Silo", "ravenxcope-silo"), ["--log-format", "text"], silo);
        var gatewayPort = FreePort.Next();
        var gateway = new Dictionary<string, string>(stack.Environment)
        {
            ["GATEWAY_HTTP_PORT"] = Port(gatewayPort),
            ["GATEWAY_ENROLL_PORT"] = Port(FreePort.Next()),
            ["GATEWAY_MTLS_PORT"] = Port(FreePort.Next()),
        };
        var textGateway = stack.Start("gateway-text", ServiceProcess.Program("Gateway", "ravenxcope-gateway"), ["--log-format", "text"], gateway);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        await Eventually.WaitAsync(async () => (await http.GetAsync(new Uri(silo["ASPNETCORE_URLS"] + "/healthz"))).IsSuccessStatusCode, $"the second silo to be healthy:\n{textSilo.Output}", TimeSpan.FromSeconds(90));
        await Eventually.WaitAsync(async () => (await http.GetAsync(new Uri($"http://127.0.0.1:{gatewayPort}/healthz"))).IsSuccessStatusCode, $"the second gateway to be healthy:\n{textGateway.Output}", TimeSpan.FromSeconds(90));

        // Each says it started (Orleans' silo lifecycle, ASP.NET Core's listeners), in its format.
        AssertLogged(stack.Silo.Output, json: true, "silo", "Orleans.Runtime.Silo");
        AssertLogged(textSilo.Output, json: false, "silo", "Orleans.Runtime.Silo");
        AssertLogged(stack.Gateway.Output, json: true, "gateway", "Microsoft.Hosting.Lifetime");
        AssertLogged(textGateway.Output, json: false, "gateway", "Microsoft.Hosting.Lifetime");
    }

    [Fact]
    public async Task The_agent_logs_in_both_formats_and_refuses_a_format_it_does_not_know()
    {
        var stateDir = Directory.CreateTempSubdirectory("rxc-agent-log-").FullName;
        try
        {
            var (jsonExit, json) = await ServiceProcess.RunAsync(ProcessStack.Agent, ["run", "--state-dir", stateDir], new Dictionary<string, string> { ["LOG_FORMAT"] = "json" });
            Assert.Equal(1, jsonExit);
            var notEnrolled = Assert.Single(LogLines.Parse(json, json: true, "agent"), e => e.Category == "RavenXcope.Agent.AgentRunner");
            Assert.Equal("error", notEnrolled.Level);
            Assert.Contains("Not enrolled", notEnrolled.Message, StringComparison.Ordinal);
            Assert.Equal(stateDir, notEnrolled.Fields?.GetProperty("StateDir").GetString());

            // The option wins over the environment.
            var (textExit, text) = await ServiceProcess.RunAsync(ProcessStack.Agent, ["run", "--state-dir", stateDir, "--log-format", "text"], new Dictionary<string, string> { ["LOG_FORMAT"] = "json" });
            Assert.Equal(1, textExit);
            Assert.Contains(LogLines.Parse(text, json: false, "agent"), e => e.Category == "RavenXcope.Agent.AgentRunner" && e.Level == "error");

            var (badExit, bad) = await ServiceProcess.RunAsync(ProcessStack.Agent, ["run", "--state-dir", stateDir, "--log-format", "xml"], new Dictionary<string, string>());
            Assert.NotEqual(0, badExit);
            Assert.Contains("xml", bad, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(stateDir, recursive: true);
        }
    }

    [Fact]
    public async Task The_simulator_logs_its_progress_in_both_formats()
    {
        // No stack on this port: the simulator logs that its setup failed (exit 3), not a crash.
        var closed = $"127.0.0.1:{FreePort.Next()}";
        string[] arguments = ["--api-url", $"http://{closed}", "--enroll-url", $"https://{closed}", "--sensor-url", $"https://{closed}", "--ca-file", TestPki.CaCertificate, "--sensors", "1"];
        var environment = new Dictionary<string, string> { ["ADMIN_API_KEY"] = "rxc_not_a_key", ["LOG_FORMAT"] = "json" };

        var (jsonExit, json) = await ServiceProcess.RunAsync(Simulator, arguments, environment);
        Assert.True(jsonExit == 3, json);
        var failed = Assert.Single(LogLines.Parse(json, json: true, "simulator"), e => e.Level == "error");
        Assert.Equal("RavenXcope.FleetSim", failed.Category);
        Assert.Contains("setup failed", failed.Message, StringComparison.Ordinal);

        var (textExit, text) = await ServiceProcess.RunAsync(Simulator, [.. arguments, "--log-format", "text"], environment);
        Assert.True(textExit == 3, text);
        Assert.Contains(LogLines.Parse(text, json: false, "simulator"), e => e.Level == "error" && e.Message.Contains("setup failed", StringComparison.Ordinal));
    }

    private static void AssertLogged(string output, bool json, string process, string category)
    {
        var events = LogLines.Parse(output, json, process);
        Assert.True(events.Any(e => e.Category == category && e.Level == "info"), $"{process} logged no information from {category}:\n{output}");
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
