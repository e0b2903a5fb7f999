using System.Net;
using System.Net.Http.Json;

namespace RavenXcope.Tests.Integration;

/// <summary>A revoked host rebuilt and enrolled again with a new claim code, with every part a real process.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReenrollProcessTests
{
    [Fact]
    public async Task A_revoked_sensor_gets_a_new_claim_code_enrolls_as_a_new_identity_takes_commands_and_the_old_identity_stays_refused()
    {
        await using var stack = await ProcessStack.StartAsync("reenroll", withNats: true);
        var api = stack.Api;
        await stack.CreateProvisionedTenantAsync("acme");
        var oldState = await stack.EnrolledSensorAsync("acme", "edge-1");
        var oldAgent = stack.RunAgent("agent-old", oldState);
        var before = await ProcessEndToEndTests.SensorAsync(api, s => s.GetProperty("liveness").GetString() == "online", "the first identity online", oldAgent, TimeSpan.FromSeconds(90));
        var oldSerial = before.GetProperty("certificateSerial").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(new Uri("/api/v1/tenants/acme/sensors/edge-1/revoke", UriKind.Relative), null)).StatusCode);
        Assert.Equal(7, await oldAgent.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        // The rebuilt host: a new claim code, a new state directory, a new key.
        using var codeResponse = await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors/edge-1/claim-codes", new { });
        Assert.Equal(HttpStatusCode.Created, codeResponse.StatusCode);
        var code = (await codeResponse.JsonAsync()).GetProperty("claimCode").GetString()!;
        var newState = Path.Combine(stack.Work, "rebuilt");
        var (exit, output) = await ServiceProcess.RunAsync(ProcessStack.Agent, ["enroll", "--code", code, "--url", stack.EnrollUrl, "--ca-file", stack.CaFile, "--state-dir", newState], new Dictionary<string, string>());
        Assert.True(exit == 0, output);
        var newAgent = stack.RunAgent("agent-new", newState);
        var after = await ProcessEndToEndTests.SensorAsync(api, s => s.GetProperty("liveness").GetString() == "online", "the new identity online on both planes", newAgent, TimeSpan.FromSeconds(90));
        Assert.Equal("enrolled", after.GetProperty("lifecycle").GetString());
        Assert.NotEqual(oldSerial, after.GetProperty("certificateSerial").GetString());
        var retired = Assert.Single(after.GetProperty("previousIdentities").EnumerateArray());
        Assert.Equal(oldSerial, retired.GetProperty("certificateSerial").GetString());

        using var started = await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors/edge-1/commands", new { type = "start" });
        var commandId = (await started.JsonAsync()).GetProperty("commandId").GetString()!;
        await ProcessEndToEndTests.CommandStatusAsync(api, commandId, "done", newAgent, TimeSpan.FromSeconds(60));

        // The old identity, started again, is told it is revoked.
        var oldAgain = stack.RunAgent("agent-old-again", oldState);
        Assert.Equal(7, await oldAgain.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }
}
