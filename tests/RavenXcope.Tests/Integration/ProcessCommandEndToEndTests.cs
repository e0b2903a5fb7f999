using System.Net;
using System.Net.Http.Json;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// The control bus with every part a real process: ravenxcope-silo, ravenxcope-gateway, nats-server in
/// operator mode against the gateway's resolver, and ravenxcope-sensor supervising a stand-in Suricata.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ProcessCommandEndToEndTests
{
    [Fact]
    public async Task A_start_sent_while_the_agent_is_down_runs_when_it_starts_and_a_stop_stops_it()
    {
        await using var stack = await ProcessStack.StartAsync("e2e_cmd", withNats: true);
        var api = stack.Api;
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/tenants", new { tenantId = "acme", name = "Acme" })).StatusCode);
        await Eventually.WaitAsync(
            async () => (await (await api.GetAsync(new Uri("/api/v1/tenants/acme", UriKind.Relative))).JsonAsync()).GetProperty("natsAccount").GetProperty("status").GetString(),
            s => s == "provisioned",
            "the tenant's NATS account");
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors", new { sensorId = "edge-1", name = "Edge 1" })).StatusCode);
        using var codeResponse = await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors/edge-1/claim-codes", new { });
        var code = (await codeResponse.JsonAsync()).GetProperty("claimCode").GetString()!;
        var stateDir = Path.Combine(stack.Work, "sensor");
        var (enrollExit, enrollOutput) = await ServiceProcess.RunAsync(ProcessStack.Agent, ["enroll", "--code", code, "--url", stack.EnrollUrl, "--ca-file", stack.CaFile, "--state-dir", stateDir], new Dictionary<string, string>());
        Assert.True(enrollExit == 0, enrollOutput);

        // The agent is not running: the command waits in its durable consumer.
        using var startResponse = await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors/edge-1/commands", new { type = "start" });
        Assert.Equal(HttpStatusCode.Accepted, startResponse.StatusCode);
        var start = (await startResponse.JsonAsync()).GetProperty("commandId").GetString()!;

        var pidFile = Path.Combine(stack.Work, "suricata.pid");
        var standIn = Path.Combine(ServiceProcess.RepositoryRoot, "tests", "standin", "suricata-standin.sh");
        var running = stack.Start("agent", ProcessStack.Agent, ["run", "--state-dir", stateDir, "--suricata-command", standIn, "--status-interval", "1"], new Dictionary<string, string> { ["RXC_STANDIN_PIDFILE"] = pidFile });

        await Eventually.WaitAsync(() => Task.FromResult(File.Exists(pidFile)), $"the stand-in Suricata to run (agent:\n{running.Output})", TimeSpan.FromSeconds(60));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(stateDir, "nats.creds")));
        await ProcessEndToEndTests.SensorAsync(api, s => s.GetProperty("suricata").GetString() == "running", "the grain to show Suricata running", running);
        await ProcessEndToEndTests.CommandStatusAsync(api, start, "done", running);

        using var stopResponse = await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors/edge-1/commands", new { type = "stop" });
        var stop = (await stopResponse.JsonAsync()).GetProperty("commandId").GetString()!;
        await Eventually.WaitAsync(() => Task.FromResult(!File.Exists(pidFile)), $"the stand-in to exit (agent:\n{running.Output})");
        await ProcessEndToEndTests.CommandStatusAsync(api, stop, "done", running);
        await ProcessEndToEndTests.SensorAsync(api, s => s.GetProperty("suricata").GetString() == "stopped", "the grain to show Suricata stopped", running);

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1/revoke", UriKind.Relative), null)).StatusCode);
        Assert.Equal(7, await running.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }
}
