using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// nats-server stopped under a running system (silo, gateway and agents as processes): the operator API answers as
/// usual, health says NATS is down, a revoke takes effect on mTLS at once, and when NATS is back every accepted
/// command is delivered and the revoked sensor's consumer is gone.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class NatsOutageProcessTests
{
    // Far above a normal answer and far below the 30 s a call took when it waited for JetStream: a hang detector,
    // not a speed target.
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task During_a_nats_outage_commands_are_accepted_at_once_revoke_works_and_everything_is_delivered_after()
    {
        const string secret = "outage-shared-secret-0123456789";
        await using var stack = await ProcessStack.StartAsync("nats_outage", withNats: true, new Dictionary<string, string> { ["BACKEND_SHARED_SECRET"] = secret });
        var api = stack.Api;
        await stack.CreateProvisionedTenantAsync("acme");
        var keptState = await stack.EnrolledSensorAsync("acme", "edge-1");
        var kept = stack.RunAgent("agent-1", keptState);
        var revoked = stack.RunAgent("agent-2", await stack.EnrolledSensorAsync("acme", "edge-2"));
        await ProcessEndToEndTests.SensorAsync(api, s => s.GetProperty("liveness").GetString() == "online", "edge-1 online on both planes", kept, TimeSpan.FromSeconds(90));
        await ProcessEndToEndTests.SensorAsync(api, s => s.GetProperty("liveness").GetString() == "online", "edge-2 online on both planes", revoked, TimeSpan.FromSeconds(90), "edge-2");

        var control = await ControlCredsAsync(stack, secret);
        await stack.StopNatsAsync();
        await WaitHealthAsync(stack.Api, "/healthz", "Degraded", "the gateway's health to show NATS down");

        var (accepted, acceptTime) = await TimedAsync(() => api.PostAsJsonAsync("/api/v1/tenants/acme/sensors/edge-1/commands", new { type = "start" }));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.True(acceptTime < Prompt, $"a command took {acceptTime} to be accepted while NATS was down");
        var commandId = (await accepted.JsonAsync()).GetProperty("commandId").GetString()!;

        var (sensor, getTime) = await TimedAsync(() => api.GetAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1", UriKind.Relative)));
        Assert.Equal(HttpStatusCode.OK, sensor.StatusCode);
        Assert.True(getTime < Prompt, $"reading the sensor took {getTime} while NATS was down");

        var (revoke, revokeTime) = await TimedAsync(() => api.PostAsync(new Uri("/api/v1/tenants/acme/sensors/edge-2/revoke", UriKind.Relative), null));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.True(revokeTime < Prompt, $"a revoke took {revokeTime} while NATS was down");

        // The revoked certificate is refused on the next heartbeat: the agent stops as revoked (exit 7).
        Assert.Equal(7, await revoked.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        using (var health = await api.GetAsync(new Uri("/healthz", UriKind.Relative)))
        {
            var nats = (await health.JsonAsync()).GetProperty("checks").GetProperty("nats");
            Assert.Equal("Degraded", nats.GetProperty("status").GetString());
        }

        using (var siloHealth = new HttpClient())
        {
            await WaitHealthAsync(siloHealth, stack.SiloHealthUrl, "Degraded", "the silo's health to show NATS down");
        }

        // A server that is away has refused nothing: the agent keeps its credentials through the outage.
        await Eventually.WaitAsync(
            () => Task.FromResult(kept.Output.Contains("NATS unreachable", StringComparison.Ordinal)),
            t => t,
            $"the agent to try NATS again and find it away (agent:\n{kept.Output})",
            TimeSpan.FromSeconds(60));
        Assert.True(File.Exists(Path.Combine(keptState, "nats.creds")), $"the agent dropped its credentials while NATS was away:\n{kept.Output}");
        Assert.DoesNotContain("NATS refused", kept.Output, StringComparison.Ordinal);
        await stack.StartNatsAsync();
        await ProcessEndToEndTests.CommandStatusAsync(api, commandId, "done", kept, TimeSpan.FromSeconds(90));
        await Eventually.WaitAsync(() => ConsumerExistsAsync(stack, control, "cmd-acme-edge-2"), exists => !exists, "the revoked sensor's consumer to be deleted", TimeSpan.FromSeconds(60));
        Assert.True(await ConsumerExistsAsync(stack, control, "cmd-acme-edge-1"));
        await WaitHealthAsync(stack.Api, "/healthz", "Healthy", "the gateway's health to show NATS back");
        var edge2 = await (await api.GetAsync(new Uri("/api/v1/tenants/acme/sensors/edge-2", UriKind.Relative))).JsonAsync();
        Assert.Equal("revoked", edge2.GetProperty("liveness").GetString());
    }

    private static async Task<(HttpResponseMessage Response, TimeSpan Took)> TimedAsync(Func<Task<HttpResponseMessage>> call)
    {
        var watch = Stopwatch.StartNew();
        var response = await call();
        return (response, watch.Elapsed);
    }

    private static Task WaitHealthAsync(HttpClient http, string url, string natsStatus, string what) =>
        Eventually.WaitAsync(
            async () => (await (await http.GetAsync(new Uri(url, UriKind.RelativeOrAbsolute))).JsonAsync()).GetProperty("checks").GetProperty("nats").GetProperty("status").GetString(),
            s => s == natsStatus,
            what);

    private static async Task<string> ControlCredsAsync(ProcessStack stack, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/backend-user") { Content = JsonContent.Create(new { tenantId = "acme" }) };
        request.Headers.Add("X-Backend-Shared-Secret", secret);
        using var response = await stack.Api.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("creds").GetString()!;
    }

    private static async Task<bool> ConsumerExistsAsync(ProcessStack stack, string creds, string consumer)
    {
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = stack.NatsUrl, AuthOpts = NatsAuthOpts.Default with { Creds = creds } });
        try
        {
            await new NatsJSContext(connection).GetConsumerAsync("RXC_CMD", consumer);
            return true;
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return false;
        }
    }

}
