using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// The agent getting back on its feet, every part a real process: a disabled and re-enabled sensor whose
/// cached NATS credentials were revoked, and an enrollment whose answer was lost on the way back.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AgentRecoveryEndToEndTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public async Task After_a_disable_and_enable_the_agent_drops_its_refused_credentials_and_a_command_is_done_within_two_heartbeats()
    {
        await using var stack = await ProcessStack.StartAsync("e2e_reauth", withNats: true);
        var api = stack.Api;
        var stateDir = await EnrollAsync(stack, "edge-1", provisionNats: true);
        var suricata = Suricata.RealSuricata.In(Path.Combine(stack.Work, "suricata"));
        var agent = stack.RunAgent("agent", stateDir, suricata);

        // Connected and working, with credentials cached in the state directory.
        await CommandDoneAsync(api, "edge-1", await SendAsync(api, "edge-1", "start"), agent, TimeSpan.FromSeconds(60));
        var cachedJwt = File.ReadAllText(Path.Combine(stateDir, "nats.creds"));
        var live = JsonDocument.Parse(File.ReadAllText(Path.Combine(suricata.RuntimeDirectory, "agent-status.json")));
        var suricataPid = live.RootElement.GetProperty("suricata").GetProperty("pid").GetInt32();

        // Disabled: the JWTs issued so far are revoked. Long enough for the agent to have tried its cached
        // credentials on NATS and had its backoffs grow.
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1/disable", UriKind.Relative), null)).StatusCode);
        await Eventually.WaitAsync(
            () => Task.FromResult(Count(agent.Output, "sensor_disabled") >= 6),
            $"the agent to be refused a few times while disabled (agent:\n{agent.Output})",
            TimeSpan.FromSeconds(90));

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1/enable", UriKind.Relative), null)).StatusCode);
        var enabledAt = DateTimeOffset.UtcNow;
        await ProcessEndToEndTests.SensorAsync(api, s => s.GetProperty("lastHeartbeatAt").GetDateTimeOffset() > enabledAt, "a heartbeat after enable", agent, TimeSpan.FromSeconds(360));
        var acceptedAt = DateTimeOffset.UtcNow;

        // The heartbeat interval is 1 s here: two intervals, plus what a loaded test machine needs to run
        // the credentials request, the NATS connect and the status round trip.
        var stop = await SendAsync(api, "edge-1", "stop");
        await CommandDoneAsync(api, "edge-1", stop, agent, TimeSpan.FromSeconds(2 + 10));
        var tookSeconds = (DateTimeOffset.UtcNow - acceptedAt).TotalSeconds;
        Assert.False(Processes.Alive(suricataPid), "the stop stopped Suricata");

        // New credentials replaced the refused ones, and no credential ever reached the log.
        var newJwt = File.ReadAllText(Path.Combine(stateDir, "nats.creds"));
        Assert.NotEqual(cachedJwt, newJwt);
        foreach (var secret in new[] { cachedJwt, newJwt }.SelectMany(c => c.Split('\n')).Where(l => l.Length > 40 && !l.Contains("---", StringComparison.Ordinal)))
        {
            Assert.DoesNotContain(secret.Trim(), agent.Output, StringComparison.Ordinal);
        }

        // The refusal was recognised from NATS.Net's exception chain (kept in the test's output for a reader).
        var refusals = agent.Output.Split('\n').Where(l => l.Contains("NATS refused this sensor's credentials", StringComparison.Ordinal)).ToArray();
        Assert.True(refusals.Length > 0, agent.Output);
        foreach (var line in refusals.Take(3))
        {
            output.WriteLine(line);
        }

        output.WriteLine($"command done {tookSeconds:F1} s after the first accepted heartbeat");
        Assert.True(tookSeconds < 12, $"took {tookSeconds:F1} s");
        Assert.False(agent.HasExited, agent.Output);
    }

    [Fact]
    public async Task An_enrollment_whose_answer_was_lost_is_retried_with_the_same_csr_and_gets_the_certificate()
    {
        await using var stack = await ProcessStack.StartAsync("e2e_enroll_retry", withNats: false);
        var api = stack.Api;
        var gateway = new IPEndPoint(IPAddress.Loopback, new Uri(stack.EnrollUrl).Port);

        // One answer lost: the agent's own retry in the same run gets the certificate.
        var edge1 = await CodeAsync(stack, "edge-1");
        await using (var proxy = new AnswerDroppingProxy(gateway, dropAnswers: 1, () => EnrolledAsync(api, "edge-1")))
        {
            var stateDir = Path.Combine(stack.Work, "edge-1");
            var (exit, output) = await EnrollThroughAsync($"https://127.0.0.1:{proxy.Port}", edge1, stateDir, stack.CaFile);
            Assert.Equal(1, proxy.Dropped);
            Assert.True(exit == 0, output);
            await AssertEnrolledWithServersCertificateAsync(api, "edge-1", stateDir);
        }

        // Every answer of the first run lost: it gives up, and the next run sends the same CSR and gets it.
        var edge2 = await CodeAsync(stack, "edge-2");
        await using (var proxy = new AnswerDroppingProxy(gateway, dropAnswers: int.MaxValue, () => EnrolledAsync(api, "edge-2")))
        {
            var stateDir = Path.Combine(stack.Work, "edge-2");
            var (exit, output) = await EnrollThroughAsync($"https://127.0.0.1:{proxy.Port}", edge2, stateDir, stack.CaFile);
            Assert.True(exit == 4, output);
            Assert.True(proxy.Dropped >= 1, output);
            foreach (var file in new[] { "enroll.key.pem", "enroll.csr.pem" })
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(stateDir, file)));
            }

            var (again, againOutput) = await EnrollThroughAsync(stack.EnrollUrl, edge2, stateDir, stack.CaFile);
            Assert.True(again == 0, againOutput);
            await AssertEnrolledWithServersCertificateAsync(api, "edge-2", stateDir);
        }
    }

    private static async Task AssertEnrolledWithServersCertificateAsync(HttpClient api, string sensorId, string stateDir)
    {
        using var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(stateDir, "client.cert.pem")));
        var sensor = await (await api.GetAsync(new Uri($"/api/v1/tenants/acme/sensors/{sensorId}", UriKind.Relative))).JsonAsync();
        Assert.Equal(sensor.GetProperty("certificateSerial").GetString(), certificate.SerialNumber, StringComparer.OrdinalIgnoreCase);
        using var key = System.Security.Cryptography.ECDsa.Create();
        key.ImportFromPem(await File.ReadAllTextAsync(Path.Combine(stateDir, "client.key.pem")));
        using var withKey = certificate.CopyWithPrivateKey(key);
        Assert.True(withKey.HasPrivateKey);
        Assert.False(File.Exists(Path.Combine(stateDir, "enroll.key.pem")), "the pending key is the identity now");
        Assert.False(File.Exists(Path.Combine(stateDir, "enroll.csr.pem")));
        // Enrolled and trusted; no agent runs yet, which status tells by its exit code.
        var (statusExit, statusOutput) = await ServiceProcess.RunAsync(ProcessStack.Agent, ["status", "--state-dir", stateDir], NoEnvironment);
        Assert.True(statusExit == 9, statusOutput);
        Assert.Contains("trusted", statusOutput, StringComparison.Ordinal);
    }

    private static Task<(int ExitCode, string Output)> EnrollThroughAsync(string url, string code, string stateDir, string caFile) =>
        ServiceProcess.RunAsync(ProcessStack.Agent, ["enroll", "--code", code, "--url", url, "--ca-file", caFile, "--state-dir", stateDir], NoEnvironment, TimeSpan.FromSeconds(120));

    private static async Task<bool> EnrolledAsync(HttpClient api, string sensorId)
    {
        var sensor = await (await api.GetAsync(new Uri($"/api/v1/tenants/acme/sensors/{sensorId}", UriKind.Relative))).JsonAsync();
        return sensor.TryGetProperty("certificateSerial", out var serial) && serial.ValueKind == JsonValueKind.String;
    }

    private static async Task<string> CodeAsync(ProcessStack stack, string sensorId)
    {
        var api = stack.Api;
        if (sensorId == "edge-1")
        {
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/tenants", new { tenantId = "acme", name = "Acme" })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors", new { sensorId, name = sensorId })).StatusCode);
        using var codeResponse = await api.PostAsJsonAsync($"/api/v1/tenants/acme/sensors/{sensorId}/claim-codes", new { });
        return (await codeResponse.JsonAsync()).GetProperty("claimCode").GetString()!;
    }

    private static async Task<string> EnrollAsync(ProcessStack stack, string sensorId, bool provisionNats)
    {
        var code = await CodeAsync(stack, sensorId);
        if (provisionNats)
        {
            await Eventually.WaitAsync(
                async () => (await (await stack.Api.GetAsync(new Uri("/api/v1/tenants/acme", UriKind.Relative))).JsonAsync()).GetProperty("natsAccount").GetProperty("status").GetString(),
                s => s == "provisioned",
                "the tenant's NATS account");
        }

        var stateDir = Path.Combine(stack.Work, sensorId);
        var (exit, output) = await EnrollThroughAsync(stack.EnrollUrl, code, stateDir, stack.CaFile);
        Assert.True(exit == 0, output);
        return stateDir;
    }

    private static async Task<string> SendAsync(HttpClient api, string sensorId, string type)
    {
        using var response = await api.PostAsJsonAsync($"/api/v1/tenants/acme/sensors/{sensorId}/commands", new { type });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("commandId").GetString()!;
    }

    private static Task CommandDoneAsync(HttpClient api, string sensorId, string commandId, ServiceProcess agent, TimeSpan timeout) =>
        ProcessEndToEndTests.CommandStatusAsync(api, commandId, "done", agent, timeout, sensorId);

    private static int Count(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
