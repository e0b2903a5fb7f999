using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RavenXcope.Tests.Integration;

/// <summary>The audit chain over the same stack, and what the operator API does while PostgreSQL is away.</summary>
public sealed partial class TrustApiTests
{
    [Fact]
    public async Task Mutations_and_refused_trust_operations_form_an_audit_chain_and_the_verifier_names_an_edited_row()
    {
        var (tenantId, sensorId) = await TenantWithSensorAsync();
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        await admin.PostJsonAsync($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/claim-codes", new { });
        await admin.PostAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/disable", UriKind.Relative), null);
        await admin.PostAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/revoke", UriKind.Relative), null);
        await admin.PostAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/enable", UriKind.Relative), null);

        using var page = await admin.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/audit?limit=100", UriKind.Relative));
        var entries = (await page.JsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(
            new[] { "tenant.create", "sensor.create", "claim_code.create", "sensor.disable", "sensor.revoke", "sensor.enable" },
            entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), entries.Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal("refused", entries[^1].GetProperty("outcome").GetString());
        Assert.All(entries, e => Assert.StartsWith("apikey:", e.GetProperty("actor").GetString(), StringComparison.Ordinal));

        var silo = ServiceProcess.Program("Silo", "ravenxcope-silo");
        var environment = new Dictionary<string, string> { ["AUDIT_HMAC_KEY"] = TestSilo.AuditKey };
        string[] verify = ["verify-audit", "--tenant", tenantId, "--connection-string", stack.Database.ConnectionString];
        var (okExit, okOutput) = await ServiceProcess.RunAsync(silo, verify, environment);
        Assert.True(okExit == 0, okOutput);
        Assert.Contains("6 entries, all match", okOutput, StringComparison.Ordinal);

        await stack.Database.ExecuteAsync($"UPDATE ravenxcope.audit_log SET subject = 'sensor:someone-else' WHERE tenant_id = '{tenantId}' AND seq = 4");
        var (badExit, badOutput) = await ServiceProcess.RunAsync(silo, verify, environment);
        Assert.Equal(4, badExit);
        Assert.Contains("entry 4 does not match", badOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_audit_entry_the_database_refused_is_appended_once_it_takes_entries_again()
    {
        var (tenantId, sensorId) = await TenantWithSensorAsync();
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        var refuse = $"refuse_audit_{Guid.NewGuid():N}";
        await stack.Database.ExecuteAsync(
            $"CREATE FUNCTION ravenxcope.{refuse}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit log away'; END $$; "
            + $"CREATE TRIGGER {refuse} BEFORE INSERT ON ravenxcope.audit_log FOR EACH ROW EXECUTE FUNCTION ravenxcope.{refuse}()");
        try
        {
            // The operation itself takes effect; its audit entry cannot be written for now.
            using var disabled = await admin.PostAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/disable", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        }
        finally
        {
            await stack.Database.ExecuteAsync($"DROP TRIGGER {refuse} ON ravenxcope.audit_log; DROP FUNCTION ravenxcope.{refuse}()");
        }

        var entries = await Eventually.WaitAsync(
            async () =>
            {
                using var page = await admin.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/audit?limit=100", UriKind.Relative));
                return (await page.JsonAsync()).GetProperty("items").EnumerateArray().ToList();
            },
            items => items?.Count == 3,
            "the refused audit entry to be appended by the retry");
        Assert.Equal(new[] { "tenant.create", "sensor.create", "sensor.disable" }, entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Contains("recorded after a retry", entries[2].GetProperty("detail").GetString(), StringComparison.Ordinal);

        var silo = ServiceProcess.Program("Silo", "ravenxcope-silo");
        var (exit, output) = await ServiceProcess.RunAsync(silo, ["verify-audit", "--tenant", tenantId, "--connection-string", stack.Database.ConnectionString], new Dictionary<string, string> { ["AUDIT_HMAC_KEY"] = TestSilo.AuditKey });
        Assert.True(exit == 0, output);
        Assert.Contains("3 entries, all match", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task While_the_database_is_away_calls_get_503_with_a_code_and_change_nothing_then_work_again()
    {
        var (sensorTenant, sensorId) = await TenantWithSensorAsync();
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        var code = await ClaimCodeAsync(admin, sensorTenant, sensorId);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var enroll = TrustClient.Enrollment(stack.Gateway);
        var tenantId = $"t-{Guid.NewGuid():N}"[..16];
        await using (await stack.Database.BeginOutageAsync())
        {
            // The operator API (its key is looked up in the database) and a grain that cannot save its state.
            using var created = await admin.PostJsonAsync("/api/v1/tenants", new { tenantId, name = "Away" });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, created.StatusCode);
            Assert.Equal("storage_unavailable", await created.ProblemCodeAsync());
            Assert.Equal(TimeSpan.FromSeconds(5), created.Headers.RetryAfter?.Delta);
            Assert.DoesNotContain(stack.Database.Name, await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            using var enrolledAway = await enroll.PostJsonAsync("/api/v1/enroll", TrustClient.EnrollBody(code, TrustClient.Csr(key)));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, enrolledAway.StatusCode);
            Assert.Equal("storage_unavailable", await enrolledAway.ProblemCodeAsync());
            Assert.DoesNotContain(code, await enrolledAway.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The code was not burned by the refused enrollment.
        var enrolled = await Eventually.WaitAsync(
            async () => (int)(await enroll.PostJsonAsync("/api/v1/enroll", TrustClient.EnrollBody(code, TrustClient.Csr(key)))).StatusCode,
            status => status != (int)HttpStatusCode.ServiceUnavailable,
            "enrollment to answer again after the database came back");
        Assert.Equal((int)HttpStatusCode.OK, enrolled);

        // The refused call changed nothing, and the same call now succeeds.
        var recreated = await Eventually.WaitAsync(
            async () => (int)(await admin.PostJsonAsync("/api/v1/tenants", new { tenantId, name = "Back" })).StatusCode,
            status => status != (int)HttpStatusCode.ServiceUnavailable,
            "the API to answer again after the database came back");
        Assert.Equal((int)HttpStatusCode.Created, recreated);
        using var tenant = await admin.GetAsync(new Uri($"/api/v1/tenants/{tenantId}", UriKind.Relative));
        Assert.Equal("Back", (await tenant.JsonAsync()).GetProperty("name").GetString());
    }
}
