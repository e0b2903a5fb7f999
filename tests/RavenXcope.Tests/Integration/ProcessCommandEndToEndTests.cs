using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using RavenXcope.Grains.Nats;

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
        await using var db = await PostgresDatabase.CreateAsync("e2e_cmd");
        var work = Directory.CreateTempSubdirectory("rxc-e2e-cmd-").FullName;
        var silo = ServiceProcess.Program("Silo", "ravenxcope-silo");
        var agent = ServiceProcess.Program("SensorAgent", "ravenxcope-sensor");
        int siloHttp = FreePort.Next(), http = FreePort.Next(), enrollPort = FreePort.Next(), mtlsPort = FreePort.Next(), natsPort = FreePort.Next();
        var pki = Path.Combine(work, "pki");
        var natsDir = Path.Combine(work, "nats");
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
            ["NATS_URL"] = $"nats://127.0.0.1:{natsPort}",
            ["OPERATOR_SEED_PATH"] = Path.Combine(natsDir, OperatorFiles.OperatorSeed),
            ["ACCOUNT_SEED_ENCRYPTION_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Trust__HeartbeatIntervalSeconds"] = "1",
        };
        var processes = new List<ServiceProcess>();
        try
        {
            Assert.Equal(0, (await ServiceProcess.RunAsync(silo, ["migrate"], environment)).ExitCode);
            Assert.Equal(0, (await ServiceProcess.RunAsync(silo, ["init-ca", "--dir", pki], environment)).ExitCode);
            Assert.Equal(0, (await ServiceProcess.RunAsync(silo, ["init-operator", "--dir", natsDir, "--resolver-url", $"http://127.0.0.1:{http}/jwt/v1/accounts/"], environment)).ExitCode);
            var adminKey = (await ServiceProcess.RunAsync(silo, ["create-api-key", "--role", "admin"], environment)).Output.Trim();

            processes.Add(ServiceProcess.Start("silo", silo, [], environment));
            await WaitHealthyAsync($"http://127.0.0.1:{siloHttp}/healthz", processes[^1]);
            processes.Add(ServiceProcess.Start("gateway", ServiceProcess.Program("Gateway", "ravenxcope-gateway"), [], environment));
            await WaitHealthyAsync($"http://127.0.0.1:{http}/healthz", processes[^1]);
            processes.Add(await NatsServer.StartAsync(natsDir, natsPort, Path.Combine(natsDir, OperatorFiles.ServerConfig)));

            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/tenants", new { tenantId = "acme", name = "Acme" })).StatusCode);
            await Eventually.WaitAsync(
                async () => (await (await api.GetAsync(new Uri("/api/v1/tenants/acme", UriKind.Relative))).JsonAsync()).GetProperty("natsAccount").GetProperty("status").GetString(),
                s => s == "provisioned",
                "the tenant's NATS account");
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors", new { sensorId = "edge-1", name = "Edge 1" })).StatusCode);
            using var codeResponse = await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors/edge-1/claim-codes", new { });
            var code = (await codeResponse.JsonAsync()).GetProperty("claimCode").GetString()!;
            var stateDir = Path.Combine(work, "sensor");
            var (enrollExit, enrollOutput) = await ServiceProcess.RunAsync(agent, ["enroll", "--code", code, "--url", $"https://127.0.0.1:{enrollPort}", "--ca-file", Path.Combine(pki, "ca.cert.pem"), "--state-dir", stateDir], new Dictionary<string, string>());
            Assert.True(enrollExit == 0, enrollOutput);

            // The agent is not running: the command waits in its durable consumer.
            using var startResponse = await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors/edge-1/commands", new { type = "start" });
            Assert.Equal(HttpStatusCode.Accepted, startResponse.StatusCode);
            var start = (await startResponse.JsonAsync()).GetProperty("commandId").GetString()!;

            var pidFile = Path.Combine(work, "suricata.pid");
            var standIn = Path.Combine(ServiceProcess.RepositoryRoot, "tests", "standin", "suricata-standin.sh");
            var running = ServiceProcess.Start("agent", agent, ["run", "--state-dir", stateDir, "--suricata-command", standIn, "--status-interval", "1"], new Dictionary<string, string> { ["RXC_STANDIN_PIDFILE"] = pidFile });
            processes.Add(running);

            await Eventually.WaitAsync(() => Task.FromResult(File.Exists(pidFile)), $"the stand-in Suricata to run (agent:\n{running.Output})", TimeSpan.FromSeconds(60));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(stateDir, "nats.creds")));
            await Eventually.WaitAsync(
                async () => (await (await api.GetAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1", UriKind.Relative))).JsonAsync()).GetProperty("suricata").GetString(),
                s => s == "running",
                $"the grain to show Suricata running (agent:\n{running.Output})");
            await CommandStatusAsync(api, start, "done", running);

            using var stopResponse = await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors/edge-1/commands", new { type = "stop" });
            var stop = (await stopResponse.JsonAsync()).GetProperty("commandId").GetString()!;
            await Eventually.WaitAsync(() => Task.FromResult(!File.Exists(pidFile)), $"the stand-in to exit (agent:\n{running.Output})");
            await CommandStatusAsync(api, stop, "done", running);
            await Eventually.WaitAsync(
                async () => (await (await api.GetAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1", UriKind.Relative))).JsonAsync()).GetProperty("suricata").GetString(),
                s => s == "stopped",
                "the grain to show Suricata stopped");

            Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1/revoke", UriKind.Relative), null)).StatusCode);
            Assert.Equal(7, await running.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }
        finally
        {
            for (var i = processes.Count - 1; i >= 0; i--)
            {
                await processes[i].DisposeAsync();
            }

            Directory.Delete(work, recursive: true);
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static Task CommandStatusAsync(HttpClient api, string commandId, string status, ServiceProcess agent) =>
        Eventually.WaitAsync(
            async () => (await (await api.GetAsync(new Uri($"/api/v1/tenants/acme/sensors/edge-1/commands/{commandId}", UriKind.Relative))).JsonAsync()).GetProperty("status").GetString(),
            s => s == status,
            $"command {commandId} to be {status} (agent:\n{agent.Output})");

    private static async Task WaitHealthyAsync(string url, ServiceProcess process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        await Eventually.WaitAsync(
            async () => !process.HasExited && (await http.GetAsync(new Uri(url))).IsSuccessStatusCode,
            $"{process.Name} to become healthy (output so far:\n{process.Output})",
            TimeSpan.FromSeconds(90));
    }
}
