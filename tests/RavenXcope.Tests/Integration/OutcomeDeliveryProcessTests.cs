using System.Net;
using System.Net.Http.Json;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// The agent executes queued commands while the silo is down (it reads them from its NATS consumer), and every
/// outcome reaches the ledger once a silo is back: the agent keeps them until the control plane confirms them.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OutcomeDeliveryProcessTests
{
    [Fact]
    public async Task Commands_executed_while_the_silo_is_down_are_all_recorded_when_it_returns()
    {
        await using var stack = await ProcessStack.StartAsync("outcomes", withNats: true);
        var api = stack.Api;
        await stack.CreateProvisionedTenantAsync("acme");
        var stateDir = await stack.EnrolledSensorAsync("acme", "edge-1");

        // The agent connects once (its consumer and credentials exist), then stops. Online alone is not enough: a
        // sensor that never had NATS credentials is online by its heartbeats; a status shows the NATS plane works.
        var first = stack.RunAgent("agent-first", stateDir);
        await Eventually.WaitAsync(
            async () => await (await api.GetAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1", UriKind.Relative))).JsonAsync(),
            s => s.GetProperty("liveness").GetString() == "online" && s.GetProperty("lastStatusAt").ValueKind == System.Text.Json.JsonValueKind.String,
            $"the sensor online on both planes (agent:\n{first.Output})",
            TimeSpan.FromSeconds(90));
        await stack.StopAsync(first);

        // Twelve commands wait in the sensor's consumer, more than any status message used to repeat.
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors/edge-1/commands", new { type = "restart" });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add((await response.JsonAsync()).GetProperty("commandId").GetString()!);
        }

        await Eventually.WaitAsync<List<string>>(async () => await StatusesAsync(api, ids), s => s!.All(x => x == "published"), "all twelve published");

        // No silo: the agent runs them all and nobody confirms an outcome.
        await stack.StopAsync(stack.Silo);
        var agent = stack.RunAgent("agent", stateDir);
        var outcomes = Path.Combine(stateDir, "outcomes.json");
        try
        {
            await Eventually.WaitAsync(
                () => Task.FromResult<string?>(File.Exists(outcomes) ? File.ReadAllText(outcomes) : string.Empty),
                text => ids.All(id => text!.Contains(id, StringComparison.Ordinal)),
                "the agent to have run and kept the outcomes of all twelve",
                TimeSpan.FromSeconds(90));
        }
        catch (TimeoutException e)
        {
            // The agent's output as it is at the deadline, not as it was when the wait began.
            throw new TimeoutException($"{e.Message}; agent:\n{agent.Output}", e);
        }

        await stack.StartSiloAsync();
        await Eventually.WaitAsync<List<string>>(
            async () => await StatusesAsync(api, ids),
            s => s!.All(x => x == "done"),
            $"every outcome to reach the ledger (agent:\n{agent.Output})",
            TimeSpan.FromSeconds(90));
    }

    private static async Task<List<string>> StatusesAsync(HttpClient api, IEnumerable<string> ids)
    {
        var statuses = new List<string>();
        foreach (var id in ids)
        {
            using var response = await api.GetAsync(new Uri($"/api/v1/tenants/acme/sensors/edge-1/commands/{id}", UriKind.Relative));
            statuses.Add((await response.JsonAsync()).GetProperty("status").GetString()!);
        }

        return statuses;
    }
}
