using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// The real programs as a host would run them: ravenxcope-silo (migrate, init-ca, create-api-key, serve),
/// ravenxcope-gateway and ravenxcope-sensor (enroll, run, status), on a real PostgreSQL.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ProcessEndToEndTests
{
    [Fact]
    public async Task A_host_enrolls_heartbeats_renews_is_refused_while_disabled_and_stops_when_revoked()
    {
        await using var stack = await ProcessStack.StartAsync("e2e", withNats: false);
        var api = stack.Api;
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/tenants", new { tenantId = "acme", name = "Acme" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors", new { sensorId = "edge-1", name = "Edge 1" })).StatusCode);
        using var codeResponse = await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors/edge-1/claim-codes", new { ttlSeconds = 900 });
        var code = (await codeResponse.JsonAsync()).GetProperty("claimCode").GetString()!;

        var stateDir = Path.Combine(stack.Work, "sensor");
        string[] enrollArgs = ["enroll", "--code", code, "--url", stack.EnrollUrl, "--ca-file", stack.CaFile, "--state-dir", stateDir];
        var (enrollExit, enrollOutput) = await ServiceProcess.RunAsync(ProcessStack.Agent, enrollArgs, new Dictionary<string, string>());
        Assert.True(enrollExit == 0, enrollOutput);
        Assert.DoesNotContain(code, enrollOutput, StringComparison.Ordinal);
        foreach (var file in new[] { "client.key.pem", "client.cert.pem", "ca.cert.pem", "sensor-state.json" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(stateDir, file)));
        }

        var suricata = Suricata.RealSuricata.In(Path.Combine(stack.Work, "suricata"));
        var running = stack.Start("agent", ProcessStack.Agent, ["run", "--state-dir", stateDir, .. suricata.RunArguments()], new Dictionary<string, string>());
        var firstSerial = (await SensorAsync(api, s => s.GetProperty("lastHeartbeatAt").ValueKind == JsonValueKind.String, "a first heartbeat", running))
            .GetProperty("certificateSerial").GetString();

        // The operator asks for a renewal; the agent renews on its next heartbeat and keeps the previous files.
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1/renew", UriKind.Relative), null)).StatusCode);
        await SensorAsync(api, s => s.GetProperty("certificateSerial").GetString() != firstSerial, "the renewed certificate", running);

        // The server answers before the agent writes its files: wait for the agent's side too.
        await Eventually.WaitAsync(
            () => Task.FromResult(File.Exists(Path.Combine(stateDir, "client.prev.cert.pem"))
                && File.ReadAllText(Path.Combine(stateDir, "sensor-state.json")).Contains("\"renewal_generation\": 1", StringComparison.Ordinal)),
            "the agent to keep the previous certificate and record the renewal generation");

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1/disable", UriKind.Relative), null)).StatusCode);
        await Eventually.WaitAsync(() => Task.FromResult(running.Output.Contains("sensor_disabled", StringComparison.Ordinal)), "the agent to be refused while disabled");
        Assert.False(running.HasExited, "a disabled sensor keeps trying: disable is reversible");

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1/enable", UriKind.Relative), null)).StatusCode);
        var enabledAt = DateTimeOffset.UtcNow;
        await SensorAsync(api, s => s.GetProperty("lastHeartbeatAt").GetDateTimeOffset() > enabledAt, "heartbeats after enable", running, TimeSpan.FromSeconds(90));

        // A gateway outage: the agent keeps running and heartbeats again once the gateway is back.
        await stack.StopAsync(stack.Gateway);
        await Eventually.WaitAsync(() => Task.FromResult(running.Output.Contains("unreachable", StringComparison.Ordinal)), "the agent to notice the outage");
        Assert.False(running.HasExited, running.Output);
        await stack.StartGatewayAsync();
        var backAt = DateTimeOffset.UtcNow;
        await SensorAsync(api, s => s.GetProperty("lastHeartbeatAt").GetDateTimeOffset() > backAt, "heartbeats after the outage", running, TimeSpan.FromSeconds(90));

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1/revoke", UriKind.Relative), null)).StatusCode);
        Assert.Equal(7, await running.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        Assert.Contains("revoked", running.Output, StringComparison.Ordinal);

        var (statusExit, statusOutput) = await ServiceProcess.RunAsync(ProcessStack.Agent, ["status", "--state-dir", stateDir], new Dictionary<string, string>());
        Assert.Equal(7, statusExit);
        Assert.Contains("trust_revoked", statusOutput, StringComparison.Ordinal);

        // The used code cannot enroll again.
        var (againExit, againOutput) = await ServiceProcess.RunAsync(ProcessStack.Agent, enrollArgs, new Dictionary<string, string>());
        Assert.True(againExit == 3, againOutput);
        Assert.Contains("enrollment_refused", againOutput, StringComparison.Ordinal);
    }

    /// <summary>Polls the detail of tenant acme's <paramref name="sensorId"/> until <paramref name="condition"/> holds.</summary>
    internal static Task<JsonElement> SensorAsync(HttpClient api, Func<JsonElement, bool> condition, string what, ServiceProcess agent, TimeSpan? timeout = null, string sensorId = "edge-1") =>
        Eventually.WaitAsync(
            async () => await (await api.GetAsync(new Uri($"/api/v1/tenants/acme/sensors/{sensorId}", UriKind.Relative))).JsonAsync(),
            condition,
            $"{what} (agent output:\n{agent.Output})",
            timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>Polls a command of tenant acme's <paramref name="sensorId"/> until it has <paramref name="status"/>.</summary>
    internal static Task CommandStatusAsync(HttpClient api, string commandId, string status, ServiceProcess agent, TimeSpan? timeout = null, string sensorId = "edge-1") =>
        Eventually.WaitAsync(
            async () => (await (await api.GetAsync(new Uri($"/api/v1/tenants/acme/sensors/{sensorId}/commands/{commandId}", UriKind.Relative))).JsonAsync()).GetProperty("status").GetString(),
            s => s == status,
            $"command {commandId} of {sensorId} to be {status} (agent:\n{agent.Output})",
            timeout ?? TimeSpan.FromSeconds(30));
}
