using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// The operator console in headless Chromium against real silo, gateway, nats-server and agent processes: an admin's
/// whole journey from an empty system to a revoked sensor, a reader's and a tenant-scoped user's limits,
/// antiforgery, accessibility (axe) and a screenshot of every page.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ConsoleBrowserTests
{
    [Fact]
    public async Task An_admin_runs_a_sensor_from_the_browser_and_a_reader_and_a_scoped_user_stay_within_their_rights()
    {
        await using var stack = await ProcessStack.StartAsync("console", withNats: true);
        var api = stack.Api;

        // Another tenant with a sensor, which the tenant-scoped user must never see.
        const string other = "globex", otherSensor = "globex-secret-1";
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/tenants", new { tenantId = other, name = "Globex" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync($"/api/v1/tenants/{other}/sensors", new { sensorId = otherSensor, name = "Globex secret" })).StatusCode);

        var admin = await CreateOperatorAsync(stack, "admin", "admin", null);
        var reader = await CreateOperatorAsync(stack, "rita", "reader", null);
        // The tenant's operator is created by the admin in the browser, once the tenant exists.
        var scoped = $"acme-ops {Guid.NewGuid():N}";

        var input = JsonSerializer.Serialize(new
        {
            url = api.BaseAddress!.ToString(),
            admin = new { user = "admin", password = admin },
            reader = new { user = "rita", password = reader },
            scoped = new { user = "acme-ops", password = scoped, tenant = "acme" },
            tenant = "acme",
            sensor = "edge-1",
            otherTenant = other,
            otherSensor,
            agent = ProcessStack.Agent,
            suricataArguments = Suricata.RealSuricata.In(Path.Combine(stack.Work, "suricata")).RunArguments(),
            stateDir = Path.Combine(stack.Work, "sensor"),
            artifacts = TestEnvironment.ArtifactsDirectory,
            chromium = TestEnvironment.Chromium,
        });
        string output;
        try
        {
            output = await NodeInterop.RunAsync("console-check.mjs", input, TimeSpan.FromMinutes(6));
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{e.Message}\n--- gateway ---\n{Tail(stack.Gateway.Output)}", e);
        }

        using var result = JsonDocument.Parse(output);
        var r = result.RootElement;
        Assert.Equal(400, r.GetProperty("signInWithoutAntiforgery").GetInt32());
        // The same one line the operator API hands out: the code carries the CA's fingerprint, so no CA file is named.
        var join = r.GetProperty("joinCommand").GetString()!;
        Assert.StartsWith("ravenxcope-sensor enroll --url https://", join, StringComparison.Ordinal);
        Assert.Contains(" --code rxc_", join, StringComparison.Ordinal);
        Assert.DoesNotContain("--ca-file", join, StringComparison.Ordinal);
        Assert.Equal(1, r.GetProperty("navigationsWhileWaiting").GetInt32());
        var serials = r.GetProperty("serials");
        Assert.NotEqual(serials[0].GetString(), serials[1].GetString());
        Assert.EndsWith("done: the current certificate is newer", r.GetProperty("renewal").GetString(), StringComparison.Ordinal);
        Assert.Matches("^[0-9,]+$", r.GetProperty("suricataPackets").GetString());

        // Revoked from the browser, the agent on the host stops with the revoked exit code.
        Assert.Equal(RavenXcope.SensorAgent.ExitCodes.Revoked, r.GetProperty("agentExit").GetInt32());

        // The reader is shown no action and its forged post changes nothing.
        Assert.Equal(0, r.GetProperty("readerButtons").GetInt32());
        Assert.Equal(403, r.GetProperty("forgedStatus").GetInt32());
        var otherNow = await (await api.GetAsync(new Uri($"/api/v1/tenants/{other}/sensors/{otherSensor}", UriKind.Relative))).JsonAsync();
        Assert.Equal("registered", otherNow.GetProperty("lifecycle").GetString());

        // The scoped user never sees the other tenant, not even by typing its addresses.
        foreach (var text in new[] { "scopedFleetText", "scopedTenantsText", "scopedOtherListText", "scopedOtherSensorText" })
        {
            Assert.DoesNotContain(otherSensor, r.GetProperty(text).GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain("Globex", r.GetProperty(text).GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(404, r.GetProperty("scopedOtherListStatus").GetInt32());
        Assert.Equal(404, r.GetProperty("scopedOtherSensorStatus").GetInt32());
        Assert.Equal("/sign-in", r.GetProperty("afterSignOut").GetString());

        foreach (var page in r.GetProperty("axe").EnumerateObject())
        {
            Assert.True(page.Value.GetArrayLength() == 0, $"axe found serious or critical violations on {page.Name}: {page.Value}");
        }

        foreach (var page in r.GetProperty("overflow").EnumerateObject())
        {
            Assert.True(page.Value.GetInt32() <= 0, $"the {page.Name} page is {page.Value} px wider than the window");
        }

        foreach (var screenshot in r.GetProperty("screenshots").EnumerateArray())
        {
            Assert.True(new FileInfo(screenshot.GetString()!).Length > 10_000, $"the screenshot {screenshot} is missing or blank");
        }

        // Every change the browser made is the admin's in the audit chain; every sign-in is in the sign-in log.
        var audit = await (await api.GetAsync(new Uri("/api/v1/tenants/acme/audit?limit=500", UriKind.Relative))).JsonAsync();
        var actions = audit.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("actor").GetString() == "user:admin").Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("sensor.revoke", actions);
        Assert.Contains("command.start", actions);
        Assert.Contains("account.create", actions);
        Assert.True(await stack.Database.ScalarAsync<long>("SELECT count(*) FROM ravenxcope.operator_sign_ins WHERE outcome = 'signed_in'") >= 3);
    }

    /// <summary>Creates a console account with the gateway's subcommand; returns the password it printed.</summary>
    internal static async Task<string> CreateOperatorAsync(ProcessStack stack, string user, string role, string? tenant)
    {
        string[] args = tenant is null ? ["create-operator", "--user", user, "--role", role] : ["create-operator", "--user", user, "--role", role, "--tenant", tenant];
        var (exit, output) = await ServiceProcess.RunAsync(ServiceProcess.Program("Gateway", "ravenxcope-gateway"), args, stack.Environment);
        Assert.True(exit == 0, output);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
    }

    private static string Tail(string text) => text.Length > 6000 ? text[^6000..] : text;
}
