using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using NATS.NKeys;
using RavenXcope.ServiceDefaults.ApiKeys;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// Every change is in the tenant's audit chain exactly once, whichever route made it: the operator API, enrollment,
/// the sensor's mTLS routes and the provisioner-compatible routes, with a retried command and a retried enrollment.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AuditCompletenessTests
{
    [Fact]
    public async Task Each_change_is_recorded_once_by_the_grain_that_made_it_with_the_caller_as_actor()
    {
        await using var stack = await NatsStack.StartAsync("audit_once");
        var adminKey = await TrustClient.CreateKeyAsync(stack.Database.ConnectionString, ApiKeyRole.Admin);
        using var admin = TrustClient.Operator(stack.Gateway, adminKey);
        var adminActor = $"apikey:{adminKey[5..17]}";
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync("/api/v1/tenants/acme/sensors", new { sensorId = "edge-1", name = "Edge" })).StatusCode);
        using var codeResponse = await admin.PostJsonAsync("/api/v1/tenants/acme/sensors/edge-1/claim-codes", new { });
        var code = (await codeResponse.JsonAsync()).GetProperty("claimCode").GetString()!;

        // Enrollment, and its retry with the same CSR after a lost answer: one enrollment.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = TrustClient.Csr(key);
        using var enroll = TrustClient.Enrollment(stack.Gateway);
        using var enrolled = await enroll.PostJsonAsync("/api/v1/enroll", TrustClient.EnrollBody(code, csr));
        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        using (var retried = await enroll.PostJsonAsync("/api/v1/enroll", TrustClient.EnrollBody(code, csr)))
        {
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        }

        var certificatePem = (await enrolled.JsonAsync()).GetProperty("certificatePem").GetString()!;

        // The agent's own changes over mTLS: a renewal and NATS credentials.
        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using (var sensor = TrustClient.Sensor(stack.Gateway, certificatePem, key))
        {
            using var renewed = await sensor.PostJsonAsync("/sensor/v1/renew", new { csrPem = TrustClient.Csr(newKey) });
            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
            using var user = KeyPair.CreatePair(PrefixByte.User);
            using var credentials = await sensor.PostJsonAsync("/sensor/v1/nats-credentials", new { userPublicKey = user.GetPublicKey() });
            Assert.Equal(HttpStatusCode.OK, credentials.StatusCode);
        }

        // A command sent twice with one idempotency key is one command.
        for (var i = 0; i < 2; i++)
        {
            using var command = await admin.PostJsonAsync("/api/v1/tenants/acme/sensors/edge-1/commands", new { type = "start", idempotencyKey = "once" });
            Assert.Equal(HttpStatusCode.Accepted, command.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1/disable", UriKind.Relative), null)).StatusCode);

        // Refused while disabled: a trust operation refused is recorded too.
        using (var sensor = TrustClient.Sensor(stack.Gateway, certificatePem, key))
        {
            using var user = KeyPair.CreatePair(PrefixByte.User);
            // An agent repeats its requests while disabled: each refusal is one entry, not one per repetition.
            for (var i = 0; i < 3; i++)
            {
                using var refused = await sensor.PostJsonAsync("/sensor/v1/nats-credentials", new { userPublicKey = user.GetPublicKey() });
                Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
                using var beat = await sensor.PostJsonAsync("/sensor/v1/heartbeat", new { agentState = "running" });
                Assert.Equal(HttpStatusCode.Forbidden, beat.StatusCode);
            }
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1/enable", UriKind.Relative), null)).StatusCode);

        // The provisioner-compatible routes.
        var userKey = (await (await Provisioner(stack, "/users", new { tenantId = "acme", sensorId = "edge-1" })).JsonAsync()).GetProperty("userPubKey").GetString()!;
        var account = (await stack.Tenant.GetAsync())!.AccountPublicKey!;
        Assert.Equal(HttpStatusCode.OK, (await Provisioner(stack, "/revoke", new { accountId = account, userPubKey = userKey })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Provisioner(stack, "/backend-user", new { tenantId = "acme" })).StatusCode);

        var expected = new Dictionary<(string Action, string Outcome), int>
        {
            [("tenant.create", "done")] = 1,
            [("sensor.create", "done")] = 1,
            [("claim_code.create", "done")] = 1,
            [("sensor.enroll", "done")] = 1,
            [("certificate.renew", "done")] = 1,
            [("nats_user.issue", "done")] = 2,
            [("command.start", "done")] = 1,
            [("sensor.disable", "done")] = 1,
            [("nats_user.revoke", "done")] = 2,
            [("nats_credentials.issue", "refused")] = 1,
            [("sensor.heartbeat", "refused")] = 1,
            [("sensor.enable", "done")] = 1,
            [("control_credentials.issue", "done")] = 1,
        };
        var entries = await Eventually.WaitAsync(
            () => AuditAsync(admin),
            e => e is not null && e.Count >= expected.Values.Sum(),
            "every change in the audit chain");
        var counted = entries.GroupBy(e => (e.GetProperty("action").GetString()!, e.GetProperty("outcome").GetString()!)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.OrderBy(p => p.Key.ToString()), counted.OrderBy(p => p.Key.ToString()));

        string Actor(string action) => entries.First(e => e.GetProperty("action").GetString() == action).GetProperty("actor").GetString()!;
        Assert.Equal(adminActor, Actor("command.start"));
        Assert.Equal(adminActor, Actor("sensor.disable"));
        Assert.Equal("sensor:edge-1", Actor("sensor.enroll"));
        Assert.Equal("sensor:edge-1", Actor("certificate.renew"));
        Assert.Equal("provisioner", Actor("control_credentials.issue"));
        Assert.Contains(entries, e => e.GetProperty("action").GetString() == "nats_user.issue" && e.GetProperty("actor").GetString() == "provisioner");
        Assert.Contains(entries, e => e.GetProperty("action").GetString() == "nats_user.issue" && e.GetProperty("actor").GetString() == "sensor:edge-1");
    }

    private static async Task<List<JsonElement>?> AuditAsync(HttpClient admin)
    {
        using var page = await admin.GetAsync(new Uri("/api/v1/tenants/acme/audit?limit=500", UriKind.Relative));
        return [.. (await page.JsonAsync()).GetProperty("items").EnumerateArray()];
    }

    private static async Task<HttpResponseMessage> Provisioner(NatsStack stack, string path, object body)
    {
        using var http = new HttpClient { BaseAddress = stack.Gateway.HttpBase };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Backend-Shared-Secret", NatsStack.SharedSecret);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
