using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using NATS.NKeys;
using RavenXcope.Grains;
using RavenXcope.Grains.Model;
using RavenXcope.Grains.Nats;
using RavenXcope.NatsAuth;
using RavenXcope.Infrastructure.Postgres;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// A sensor's NATS credentials, checked with the official JavaScript client against a real nats-server
/// in operator mode: its own subjects, consumer and inbox work; another sensor's are all denied; a
/// revoke drops the live connection.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class NatsIsolationTests
{
    [Fact]
    public async Task A_sensor_reaches_only_its_own_subjects_consumer_and_inbox_and_a_revoke_drops_its_connection()
    {
        await using var stack = await NatsStack.StartAsync("isolation");
        var (silo, gateway, work, natsPort) = (stack.Silo, stack.Gateway, stack.Work, stack.NatsPort);
        var (ownKey, ownCert) = await EnrolledSensorAsync(silo, "edge-1");
        var (otherKey, otherCert) = await EnrolledSensorAsync(silo, "edge-2");

        // edge-1 asks through the gateway's mTLS API, as the agent does; the seed stays here.
        using var ownUser = KeyPair.CreatePair(PrefixByte.User);
        using var sensorHttp = TrustClient.Sensor(gateway, ownCert.ExportCertificatePem(), ownKey);
        using var response = await sensorHttp.PostAsJsonAsync("/sensor/v1/nats-credentials", new { userPublicKey = ownUser.GetPublicKey() });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var own = await response.JsonAsync();
        Assert.Equal("cmd-acme-edge-1", own.GetProperty("consumer").GetString());
        Assert.Equal("_INBOX.acme.edge-1", own.GetProperty("inboxPrefix").GetString());
        var ownCreds = NatsJwt.FormatCreds(own.GetProperty("jwt").GetString()!, ownUser.GetSeed());

        using var otherUser = KeyPair.CreatePair(PrefixByte.User);
        var other = await silo.Grains.GetGrain<ISensorGrain>(Identifiers.SensorKey("acme", "edge-2")).IssueNatsCredentialsAsync(otherCert.SerialNumber, otherUser.GetPublicKey());
        Assert.True(other.IsSuccess, other.ErrorDetail);

        var input = Path.Combine(work, "isolation.json");
        await File.WriteAllTextAsync(input, new JsonObject
        {
            ["natsUrl"] = $"nats://127.0.0.1:{natsPort}",
            ["creds"] = ownCreds,
            ["inboxPrefix"] = "_INBOX.acme.edge-1",
            ["stream"] = "RXC_CMD",
            ["ownConsumer"] = "cmd-acme-edge-1",
            ["otherConsumer"] = other.Value!.Consumer,
            ["ownStatus"] = "rxc.acme.edge-1.status",
            ["otherStatus"] = "rxc.acme.edge-2.status",
            ["otherInbox"] = other.Value.InboxPrefix,
            ["otherCommands"] = "rxc.acme.edge-2.cmd",
        }.ToJsonString());
        var (exit, output) = await ServiceProcess.RunAsync("node", [Path.Combine(TestEnvironment.InteropDirectory, "isolation-check.mjs"), input], new Dictionary<string, string>());
        Assert.True(exit == 0, output);
        var verdict = JsonNode.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..])!;
        foreach (var (check, ok) in verdict["allowed"]!.AsObject())
        {
            Assert.True(ok!.GetValue<bool>(), $"edge-1 should be allowed: {check} ({output})");
        }

        foreach (var (check, ok) in verdict["denied"]!.AsObject())
        {
            Assert.True(ok!.GetValue<bool>(), $"edge-1 should be denied: {check} ({output})");
        }

        // A live connection with edge-1's credentials is dropped by the revoke.
        await using var holder = ServiceProcess.Start("holder", "node", [Path.Combine(TestEnvironment.InteropDirectory, "hold-connection.mjs"), input], new Dictionary<string, string>());
        await Eventually.WaitAsync(() => Task.FromResult(holder.Output.Contains("connected", StringComparison.Ordinal)), $"the JavaScript client to connect ({holder.Output})");
        Assert.True((await silo.Grains.GetGrain<ISensorGrain>(Identifiers.SensorKey("acme", "edge-1")).RevokeAsync()).IsSuccess);
        Assert.Equal(0, await holder.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var ended = JsonNode.Parse(holder.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!;
        Assert.True(ended["closed"]!.GetValue<bool>(), holder.Output);
        Assert.Contains("revoked", holder.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Commands_sent_before_the_agent_connects_reach_it_in_order_and_its_status_completes_the_ledger()
    {
        await using var stack = await NatsStack.StartAsync("commands");
        var (key, certificate) = await EnrolledSensorAsync(stack.Silo, "edge-1");
        using (key)
        {
            using var user = KeyPair.CreatePair(PrefixByte.User);
            var sensor = stack.Silo.Grains.GetGrain<ISensorGrain>(Identifiers.SensorKey("acme", "edge-1"));
            var credentials = await sensor.IssueNatsCredentialsAsync(certificate.SerialNumber, user.GetPublicKey());
            Assert.True(credentials.IsSuccess, credentials.ErrorDetail);

            // The agent is not connected: the commands wait in its durable consumer.
            using var api = TrustClient.Operator(stack.Gateway, await TrustClient.CreateKeyAsync(stack.Database.ConnectionString, RavenXcope.ServiceDefaults.ApiKeys.ApiKeyRole.Operator));
            using var started = await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors/edge-1/commands", new { type = "start", idempotencyKey = "start-1" });
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var start = await started.JsonAsync();

            // Answered once stored; the grain publishes it in the background.
            Assert.Equal("accepted", start.GetProperty("status").GetString());
            var published = await Eventually.WaitAsync(
                () => sensor.GetCommandAsync(start.GetProperty("commandId").GetString()!),
                c => c?.Status == CommandStatus.Published,
                "the start to be published");
            Assert.True(published.StreamSequence > 0);
            using (var again = await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors/edge-1/commands", new { type = "start", idempotencyKey = "start-1" }))
            {
                Assert.Equal(start.GetProperty("commandId").GetString(), (await again.JsonAsync()).GetProperty("commandId").GetString());
            }

            var restart = (await sensor.SubmitCommandAsync(CommandType.Restart, null, null)).Value!;

            // The simulator publishes each status once, as fire and forget: the bridge must be listening first.
            var bridge = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<RavenXcope.Infrastructure.Nats.StatusBridge>(stack.Silo.App.Services);
            await Eventually.WaitAsync(() => Task.FromResult(bridge.IsRouting("acme")), "the bridge to subscribe to acme's status subjects");

            var input = Path.Combine(stack.Work, "agent.json");
            await File.WriteAllTextAsync(input, new JsonObject
            {
                ["natsUrl"] = $"nats://127.0.0.1:{stack.NatsPort}",
                ["creds"] = NatsJwt.FormatCreds(credentials.Value!.Jwt, user.GetSeed()),
                ["inboxPrefix"] = credentials.Value.InboxPrefix,
                ["stream"] = credentials.Value.Stream,
                ["ownConsumer"] = credentials.Value.Consumer,
                ["ownStatus"] = "rxc.acme.edge-1.status",
                ["count"] = 2,
            }.ToJsonString());
            var (exit, output) = await ServiceProcess.RunAsync("node", [Path.Combine(TestEnvironment.InteropDirectory, "agent-sim.mjs"), input], new Dictionary<string, string>());
            Assert.True(exit == 0, output);
            var received = JsonNode.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..])!["commands"]!.AsArray();
            Assert.Equal([start.GetProperty("commandId").GetString(), restart.CommandId], received.Select(c => c!["commandId"]!.GetValue<string>()));

            await Eventually.WaitAsync(
                async () => (await sensor.GetCommandAsync(restart.CommandId))?.Status == CommandStatus.Done && (await sensor.GetAsync())?.Suricata == "running",
                "the agent's status to complete the ledger");
            Assert.Equal(CommandStatus.Done, (await sensor.GetCommandAsync(start.GetProperty("commandId").GetString()!))!.Status);

            // The malformed status the simulator sent last was counted and dropped; the bridge lives on.
            await Eventually.WaitAsync(() => Task.FromResult(bridge.MalformedMessages >= 1), "the malformed status to be counted");

            // A stop supersedes a start the agent has not taken.
            var pendingStart = (await sensor.SubmitCommandAsync(CommandType.Start, null, null)).Value!;
            await sensor.SubmitCommandAsync(CommandType.Stop, null, null);
            Assert.Equal(CommandStatus.Superseded, (await sensor.GetCommandAsync(pendingStart.CommandId))!.Status);

            // A status lost in an outage is made good by the next one: the agent repeats its recent outcomes.
            var lost = (await sensor.SubmitCommandAsync(CommandType.Restart, null, null)).Value!;
            var latest = (await sensor.SubmitCommandAsync(CommandType.Restart, null, null)).Value!;
            await sensor.RecordStatusAsync(new SensorStatusReport(
                "running", "running", latest.CommandId, "done", "trusted", "1.0.0", [new ReportedOutcome(lost.CommandId, "failed"), new ReportedOutcome(latest.CommandId, "done")]));
            Assert.Equal(CommandStatus.Failed, (await sensor.GetCommandAsync(lost.CommandId))!.Status);
            Assert.Equal(CommandStatus.Done, (await sensor.GetCommandAsync(latest.CommandId))!.Status);
            Assert.Equal(CommandStatus.Superseded, (await sensor.GetCommandAsync(pendingStart.CommandId))!.Status);
        }
    }

    [Fact]
    public async Task The_provisioner_compatible_routes_answer_with_the_shared_secret_only()
    {
        await using var stack = await NatsStack.StartAsync("provisioner");
        await EnrolledSensorAsync(stack.Silo, "edge-1");
        using var http = new HttpClient { BaseAddress = stack.Gateway.HttpBase };

        async Task<HttpResponseMessage> Post(string path, object body, string? header, string? secret)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            if (header is not null)
            {
                request.Headers.Add(header, secret);
            }

            return await http.SendAsync(request);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await Post("/accounts", new { tenantId = "acme" }, null, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post("/accounts", new { tenantId = "acme" }, "X-Backend-Shared-Secret", NatsStack.SharedSecret + "x")).StatusCode);

        using var account = await Post("/accounts", new { tenantId = "acme", name = "Acme" }, "X-Ravenxcope-Provisioner-Secret", NatsStack.SharedSecret);
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        var accountBody = await account.JsonAsync();
        var accountKey = accountBody.GetProperty("accountPubKey").GetString()!;
        Assert.Equal(accountKey, NatsJwt.DecodeVerified(accountBody.GetProperty("accountJWT").GetString()!)!["sub"]!.GetValue<string>());

        // A new tenant is created and answered 202 until its account exists; then 200, with no other action.
        using (var fresh = await Post("/accounts", new { tenantId = "beta", name = "Beta" }, "X-Backend-Shared-Secret", NatsStack.SharedSecret))
        {
            Assert.Contains(fresh.StatusCode, new[] { HttpStatusCode.Accepted, HttpStatusCode.OK });
        }

        await Eventually.WaitAsync(
            async () => (await Post("/accounts", new { tenantId = "beta" }, "X-Backend-Shared-Secret", NatsStack.SharedSecret)).StatusCode == HttpStatusCode.OK,
            "tenant beta's account");

        using var user = await Post("/users", new { tenantId = "acme", sensorId = "edge-1" }, "X-Backend-Shared-Secret", NatsStack.SharedSecret);
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        var userBody = await user.JsonAsync();
        var userKey = userBody.GetProperty("userPubKey").GetString()!;
        Assert.Contains("-----BEGIN USER NKEY SEED-----", userBody.GetProperty("creds").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Post("/users", new { tenantId = "acme", sensorId = "no-such" }, "X-Backend-Shared-Secret", NatsStack.SharedSecret)).StatusCode);

        using var backend = await Post("/backend-user", new { tenantId = "acme" }, "X-Backend-Shared-Secret", NatsStack.SharedSecret);
        Assert.Equal(HttpStatusCode.OK, backend.StatusCode);
        Assert.Contains("-----BEGIN NATS USER JWT-----", (await backend.JsonAsync()).GetProperty("creds").GetString(), StringComparison.Ordinal);

        using var revoke = await Post("/revoke", new { accountId = accountKey, userPubKey = userKey }, "X-Backend-Shared-Secret", NatsStack.SharedSecret);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var served = NatsJwt.DecodeVerified(await http.GetStringAsync(new Uri($"/jwt/v1/accounts/{accountKey}", UriKind.Relative)))!;
        Assert.NotNull(served["nats"]!["revocations"]![userKey]);
    }

    internal static async Task<(ECDsa Key, X509Certificate2 Certificate)> EnrolledSensorAsync(TestSilo silo, string sensorId)
    {
        var sensor = silo.Grains.GetGrain<ISensorGrain>(Identifiers.SensorKey("acme", sensorId));
        Assert.True((await sensor.RegisterAsync(sensorId)).IsSuccess);
        var code = (await sensor.CreateClaimCodeAsync(null)).Value!;
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=host", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var host = new HostMetadata("host", "Debian", "x86_64", "1.0.0", "127.0.0.1", []);
        var issued = await silo.Grains.GetGrain<IClaimCodeGrain>(Identifiers.ClaimCodeKey(ClaimCodes.Digest(code.ClaimCode))).RedeemAsync(csr, host);
        Assert.True(issued.IsSuccess, issued.ErrorDetail);
        return (key, X509Certificate2.CreateFromPem(issued.Value!.CertificatePem));
    }
}
