using System.Net;
using System.Net.Http.Json;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// The real <c>ravenxcope-sensor run</c> as the gateway and the disk see it, at a 1 s heartbeat: its heartbeats
/// (and its other mTLS requests) share one kept-alive TLS connection, counted by the gateway's Kestrel meter on
/// <c>/metrics</c>; a renewed identity opens one new connection; and the trust record is written only when it changes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AgentConnectionProcessTests
{
    [Fact]
    public async Task Ten_heartbeats_share_one_TLS_connection_and_a_renewed_identity_opens_exactly_one_more()
    {
        await using var stack = await ProcessStack.StartAsync("agent_tls", withNats: false);
        var stateDir = await EnrolledAsync(stack);
        var agent = stack.RunAgent("agent", stateDir);

        var first = await GatewayMetrics.HeartbeatsAsync(stack, 1, agent);
        var after = await GatewayMetrics.HeartbeatsAsync(stack, first.Heartbeats + 10, agent);
        Assert.True(
            after.TlsHandshakes == 1,
            $"{after.TlsHandshakes} TLS handshakes on the mTLS port for {after.Heartbeats} heartbeats (open now: {after.OpenConnections}); agent:\n{agent.Output}");

        // A renewal replaces the identity: the next requests go on one new connection, and stay on it.
        Assert.Equal(HttpStatusCode.OK, (await stack.Api.PostAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1/renew", UriKind.Relative), null)).StatusCode);
        await Eventually.WaitAsync(
            () => Task.FromResult(File.ReadAllText(Path.Combine(stateDir, "sensor-state.json")).Contains("\"renewal_generation\": 1", StringComparison.Ordinal)),
            $"the agent to renew (agent:\n{agent.Output})",
            TimeSpan.FromSeconds(60));
        var renewed = await GatewayMetrics.ReadAsync(stack);
        var later = await GatewayMetrics.HeartbeatsAsync(stack, renewed.Heartbeats + 10, agent);
        Assert.True(
            later.TlsHandshakes == 2,
            $"{later.TlsHandshakes} TLS handshakes after the renewal, 2 expected (open now: {later.OpenConnections}); agent:\n{agent.Output}");
        Assert.False(agent.HasExited, agent.Output);
    }

    [Fact]
    public async Task The_trust_record_is_not_written_by_ten_heartbeats_that_change_nothing_and_is_written_when_a_renewal_changes_it()
    {
        await using var stack = await ProcessStack.StartAsync("agent_disk", withNats: false);
        var stateDir = await EnrolledAsync(stack);
        var stateFile = Path.Combine(stateDir, "sensor-state.json");
        var agent = stack.RunAgent("agent", stateDir);

        // The first answers may change what enrollment wrote (none should, but it is not what this test is about).
        var settled = await GatewayMetrics.HeartbeatsAsync(stack, 2, agent);
        var before = File.GetLastWriteTimeUtc(stateFile);
        var quiet = await GatewayMetrics.HeartbeatsAsync(stack, settled.Heartbeats + 10, agent);
        Assert.True(
            File.GetLastWriteTimeUtc(stateFile) == before,
            $"{stateFile} was written during {quiet.Heartbeats - settled.Heartbeats} heartbeats that changed nothing (last write {File.GetLastWriteTimeUtc(stateFile):O}, before {before:O})");

        Assert.Equal(HttpStatusCode.OK, (await stack.Api.PostAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1/renew", UriKind.Relative), null)).StatusCode);
        await Eventually.WaitAsync(
            () => Task.FromResult(File.ReadAllText(stateFile).Contains("\"renewal_generation\": 1", StringComparison.Ordinal)),
            $"the agent to record the renewal (agent:\n{agent.Output})",
            TimeSpan.FromSeconds(60));
        var renewedAt = File.GetLastWriteTimeUtc(stateFile);
        Assert.True(renewedAt > before, "the renewal was written");

        var renewed = await GatewayMetrics.ReadAsync(stack);
        await GatewayMetrics.HeartbeatsAsync(stack, renewed.Heartbeats + 5, agent);
        Assert.Equal(renewedAt, File.GetLastWriteTimeUtc(stateFile));
    }

    private static async Task<string> EnrolledAsync(ProcessStack stack)
    {
        Assert.Equal(HttpStatusCode.Created, (await stack.Api.PostAsJsonAsync("/api/v1/tenants", new { tenantId = "acme", name = "Acme" })).StatusCode);
        return await stack.EnrolledSensorAsync("acme", "edge-1");
    }
}
