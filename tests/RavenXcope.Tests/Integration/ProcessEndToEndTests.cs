using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
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
        await using var db = await PostgresDatabase.CreateAsync("e2e");
        var work = Directory.CreateTempSubdirectory("rxc-e2e-").FullName;
        var silo = ServiceProcess.Program("Silo", "ravenxcope-silo");
        var gatewayProgram = ServiceProcess.Program("Gateway", "ravenxcope-gateway");
        var agent = ServiceProcess.Program("SensorAgent", "ravenxcope-sensor");
        int siloHttp = FreePort.Next(), http = FreePort.Next(), enrollPort = FreePort.Next(), mtlsPort = FreePort.Next();
        var pki = Path.Combine(work, "pki");
        var environment = new Dictionary<string, string>
        {
            ["PG_DSN"] = db.ConnectionString,
            ["SILO_PORT"] = Port(FreePort.Next()),
            ["SILO_GATEWAY_PORT"] = Port(FreePort.Next()),
            ["DASHBOARD_USER"] = TestSilo.DashboardUser,
            ["DASHBOARD_PASSWORD"] = TestSilo.DashboardPassword,
            ["CA_CERT_FILE"] = Path.Combine(pki, "ca.cert.pem"),
            ["CA_KEY_FILE"] = Path.Combine(pki, "ca.key.pem"),
            ["GATEWAY_TLS_CERT_FILE"] = Path.Combine(pki, "gateway.cert.pem"),
            ["GATEWAY_TLS_KEY_FILE"] = Path.Combine(pki, "gateway.key.pem"),
            ["GATEWAY_HTTP_PORT"] = Port(http),
            ["GATEWAY_ENROLL_PORT"] = Port(enrollPort),
            ["GATEWAY_MTLS_PORT"] = Port(mtlsPort),
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{siloHttp}",
            ["Trust__HeartbeatIntervalSeconds"] = "1",
        };

        ServiceProcess? gateway = null;
        try
        {
            Assert.Equal(0, (await ServiceProcess.RunAsync(silo, ["migrate"], environment)).ExitCode);
            Assert.Equal(0, (await ServiceProcess.RunAsync(silo, ["init-ca", "--dir", pki], environment)).ExitCode);
            var (keyExit, keyOutput) = await ServiceProcess.RunAsync(silo, ["create-api-key", "--role", "admin"], environment);
            Assert.Equal(0, keyExit);
            var adminKey = keyOutput.Trim();

            await using var siloProcess = ServiceProcess.Start("silo", silo, [], environment);
            await WaitHealthyAsync($"http://127.0.0.1:{siloHttp}/healthz", siloProcess);
            gateway = ServiceProcess.Start("gateway", gatewayProgram, [], environment);
            await WaitHealthyAsync($"http://127.0.0.1:{http}/healthz", gateway);

            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/tenants", new { tenantId = "acme", name = "Acme" })).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors", new { sensorId = "edge-1", name = "Edge 1" })).StatusCode);
            using var codeResponse = await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors/edge-1/claim-codes", new { ttlSeconds = 900 });
            var code = (await codeResponse.JsonAsync()).GetProperty("claimCode").GetString()!;

            var stateDir = Path.Combine(work, "sensor");
            string[] enrollArgs = ["enroll", "--code", code, "--url", $"https://127.0.0.1:{enrollPort}", "--ca-file", Path.Combine(pki, "ca.cert.pem"), "--state-dir", stateDir];
            var (enrollExit, enrollOutput) = await ServiceProcess.RunAsync(agent, enrollArgs, new Dictionary<string, string>());
            Assert.True(enrollExit == 0, enrollOutput);
            Assert.DoesNotContain(code, enrollOutput, StringComparison.Ordinal);
            foreach (var file in new[] { "client.key.pem", "client.cert.pem", "ca.cert.pem", "sensor-state.json" })
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(stateDir, file)));
            }

            await using var running = ServiceProcess.Start("agent", agent, ["run", "--state-dir", stateDir], new Dictionary<string, string>());
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
            await gateway.DisposeAsync();
            await Eventually.WaitAsync(() => Task.FromResult(running.Output.Contains("unreachable", StringComparison.Ordinal)), "the agent to notice the outage");
            Assert.False(running.HasExited, running.Output);
            gateway = ServiceProcess.Start("gateway", gatewayProgram, [], environment);
            await WaitHealthyAsync($"http://127.0.0.1:{http}/healthz", gateway);
            var backAt = DateTimeOffset.UtcNow;
            await SensorAsync(api, s => s.GetProperty("lastHeartbeatAt").GetDateTimeOffset() > backAt, "heartbeats after the outage", running, TimeSpan.FromSeconds(90));

            Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1/revoke", UriKind.Relative), null)).StatusCode);
            Assert.Equal(7, await running.WaitForExitAsync(TimeSpan.FromSeconds(90)));
            Assert.Contains("revoked", running.Output, StringComparison.Ordinal);

            var (statusExit, statusOutput) = await ServiceProcess.RunAsync(agent, ["status", "--state-dir", stateDir], new Dictionary<string, string>());
            Assert.Equal(7, statusExit);
            Assert.Contains("trust_revoked", statusOutput, StringComparison.Ordinal);

            // The used code cannot enroll again.
            var (againExit, againOutput) = await ServiceProcess.RunAsync(agent, enrollArgs, new Dictionary<string, string>());
            Assert.True(againExit == 3, againOutput);
            Assert.Contains("enrollment_refused", againOutput, StringComparison.Ordinal);
        }
        finally
        {
            if (gateway is not null)
            {
                await gateway.DisposeAsync();
            }

            Directory.Delete(work, recursive: true);
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static async Task WaitHealthyAsync(string url, ServiceProcess process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        await Eventually.WaitAsync(
            async () => !process.HasExited && (await http.GetAsync(new Uri(url))).IsSuccessStatusCode,
            $"{process.Name} to become healthy (output so far:\n{process.Output})",
            TimeSpan.FromSeconds(90));
        Assert.False(process.HasExited, process.Output);
    }

    private static Task<JsonElement> SensorAsync(HttpClient api, Func<JsonElement, bool> condition, string what, ServiceProcess agent, TimeSpan? timeout = null) =>
        Eventually.WaitAsync(
            async () => await (await api.GetAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1", UriKind.Relative))).JsonAsync(),
            condition,
            $"{what} (agent output:\n{agent.Output})",
            timeout ?? TimeSpan.FromSeconds(60));
}
