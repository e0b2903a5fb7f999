using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;
using RavenXcope.NatsAuth;
using NATS.NKeys;
using RavenXcope.Grains;
using RavenXcope.Grains.Model;
using RavenXcope.Infrastructure.Nats;
using RavenXcope.Protocol;
using RavenXcope.Protocol.Messages;
using RavenXcope.Protocol.Nats;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// The silo's NATS connections against a real nats-server in operator mode, counted on the server's own
/// monitoring endpoint: one connection per tenant account, shared by the control bus, the status bridge and the
/// command publisher; and a status pump that loses its subscription subscribes again.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class NatsConnectionOwnerTests
{
    [Fact]
    public async Task Consumers_commands_and_statuses_of_a_tenant_all_go_over_one_connection_of_its_account()
    {
        await using var stack = await NatsStack.StartAsync("nats_one_connection");
        var account = (await stack.Tenant.GetAsync())!.AccountPublicKey!;
        await Eventually.WaitAsync(async () => (await ConnectionsAsync(stack, account, "open")).Count == 1, "the tenant's connection to be open");
        var before = await ConnectionsAsync(stack, account, "all");

        // Each sensor's credentials need its consumer (the control bus), each command a publish (the outbox).
        for (var i = 1; i <= 3; i++)
        {
            var (key, certificate) = await NatsIsolationTests.EnrolledSensorAsync(stack.Silo, $"edge-{i}");
            using (key)
            {
                using var user = KeyPair.CreatePair(PrefixByte.User);
                var sensor = stack.Silo.Grains.GetGrain<ISensorGrain>(Identifiers.SensorKey("acme", $"edge-{i}"));
                var issued = await sensor.IssueNatsCredentialsAsync(certificate.SerialNumber, user.GetPublicKey());
                Assert.True(issued.IsSuccess, issued.ErrorDetail);
                var command = (await sensor.SubmitCommandAsync(CommandType.Start, null, null)).Value!;
                await Eventually.WaitAsync(() => sensor.GetCommandAsync(command.CommandId), c => c?.Status == CommandStatus.Published, $"the command of edge-{i} to be published");
            }
        }

        var after = await ConnectionsAsync(stack, account, "all");
        var opened = after.Where(c => !before.Any(b => b.Cid == c.Cid)).ToList();
        Assert.True(opened.Count == 0, $"the tenant's account got {opened.Count} more connection(s): {string.Join(", ", opened)}");
        Assert.Single(await ConnectionsAsync(stack, account, "open"));
    }

    [Fact]
    public async Task A_status_pump_whose_subscription_ends_subscribes_again_and_statuses_are_routed_after()
    {
        await using var stack = await NatsStack.StartAsync("nats_pump_restart");
        var (key, certificate) = await NatsIsolationTests.EnrolledSensorAsync(stack.Silo, "edge-1");
        using (key)
        {
            using var user = KeyPair.CreatePair(PrefixByte.User);
            var sensor = stack.Silo.Grains.GetGrain<ISensorGrain>(Identifiers.SensorKey("acme", "edge-1"));
            var issued = await sensor.IssueNatsCredentialsAsync(certificate.SerialNumber, user.GetPublicKey());
            Assert.True(issued.IsSuccess, issued.ErrorDetail);
            await using var agent = new NatsConnection(NatsOpts.Default with
            {
                Url = $"nats://127.0.0.1:{stack.NatsPort}",
                AuthOpts = NatsAuthOpts.Default with { Creds = NatsJwt.FormatCreds(issued.Value!.Jwt, user.GetSeed()) },
                InboxPrefix = issued.Value.InboxPrefix,
            });
            await agent.ConnectAsync();
            await Eventually.WaitAsync(() => StatusAnsweredAsync(agent, "running"), "a status to be routed and answered");

            // The tenant's connection goes away under the pump, as when its credentials are replaced: its
            // subscription ends with it.
            var bridge = stack.Silo.App.Services.GetRequiredService<StatusBridge>();
            var restarts = bridge.PumpRestarts;
            await stack.Silo.App.Services.GetRequiredService<NatsConnections>().CloseTenantAsync("acme");

            await Eventually.WaitAsync(() => StatusAnsweredAsync(agent, "stopped"), "a status to be routed again after the pump lost its subscription");
            Assert.Equal("stopped", (await sensor.GetAsync())!.Suricata);
            Assert.True(bridge.PumpRestarts > restarts, $"the pump was not seen to stop ({bridge.PumpRestarts} restarts)");
            Assert.Equal(1, bridge.RunningPumps);
        }
    }

    // True when the bridge answered the status (it routed it to the sensor grain); a pump that is not subscribed
    // leaves the request without responders.
    private static async Task<bool> StatusAnsweredAsync(NatsConnection agent, string observed)
    {
        var status = new StatusMessage(observed, observed, null, null, null, null, "1.0.0");
        var reply = await agent.RequestAsync<byte[], byte[]>(
            NatsNames.StatusSubject("acme", "edge-1"),
            JsonSerializer.SerializeToUtf8Bytes(status, ProtocolJson.Default.StatusMessage),
            replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(2) });
        return reply.Data is { Length: > 0 };
    }

    /// <summary>The connections of <paramref name="account"/> that nats-server knows, open or also closed ("all").</summary>
    internal static async Task<List<ServerConnection>> ConnectionsAsync(NatsStack stack, string account, string state)
    {
        using var http = new HttpClient();
        var connz = await http.GetStringAsync(new Uri($"http://127.0.0.1:{stack.MonitorPort}/connz?state={state}&auth=true&limit=4096"));
        using var document = JsonDocument.Parse(connz);
        return document.RootElement.GetProperty("connections").EnumerateArray()
            .Where(c => c.TryGetProperty("account", out var a) && a.GetString() == account)
            .Select(c => new ServerConnection(c.GetProperty("cid").GetUInt64(), c.TryGetProperty("name", out var n) ? n.GetString() : null))
            .ToList();
    }

    /// <summary>One entry of <c>/connz</c>.</summary>
    internal sealed record ServerConnection(ulong Cid, string? Name);
}
