using System.Net;
using System.Text.RegularExpressions;
using RavenXcope.ServiceDefaults.ApiKeys;

namespace RavenXcope.Tests.Integration;

/// <summary>The console's API keys page, the audit verifier's verdict and filters, and a sensor's audit entries, over HTTP as a browser without script.</summary>
public sealed partial class ConsoleSignInTests
{
    [Fact]
    public async Task An_admin_creates_a_key_shown_once_that_authenticates_and_revokes_it_and_others_stay_within_their_scope()
    {
        using var api = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        var (tenantId, _) = await TrustClient.CreateTenantWithSensorAsync(api);
        var (otherTenant, _) = await TrustClient.CreateTenantWithSensorAsync(api);
        using var admin = await SignedInAsync(ApiKeyRole.Admin, null);

        using var created = await PostFormAsync(admin, "/api-keys", "create-key", new() { ["NewRole"] = "reader", ["NewTenant"] = tenantId });
        var html = await created.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Contains("no-store", created.Headers.CacheControl?.ToString() ?? string.Empty, StringComparison.Ordinal);
        var secret = KeyPattern().Match(html).Value;
        Assert.NotEmpty(secret);
        var keyId = secret.Substring("rxck_".Length, 12);
        using (var key = TrustClient.Operator(stack.Gateway, secret))
        {
            using var read = await key.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/audit", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        // Listed afterwards by id, never with its secret.
        var listed = await admin.GetStringAsync(new Uri("/api-keys", UriKind.Relative));
        Assert.Contains(keyId, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);

        // Another tenant's key is neither shown to this tenant's admin nor revoked by it.
        using var otherCreated = await PostFormAsync(admin, "/api-keys", "create-key", new() { ["NewRole"] = "reader", ["NewTenant"] = otherTenant });
        var otherSecret = KeyPattern().Match(await otherCreated.Content.ReadAsStringAsync()).Value;
        var otherKeyId = otherSecret.Substring("rxck_".Length, 12);
        using var tenantAdmin = await SignedInAsync(ApiKeyRole.Admin, tenantId);
        var scoped = await tenantAdmin.GetStringAsync(new Uri("/api-keys", UriKind.Relative));
        Assert.Contains(keyId, scoped, StringComparison.Ordinal);
        Assert.DoesNotContain(otherKeyId, scoped, StringComparison.Ordinal);
        using (var refused = await PostFormAsync(tenantAdmin, "/api-keys", "revoke-key", new() { ["KeyId"] = otherKeyId }))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }

        using (var otherKey = TrustClient.Operator(stack.Gateway, otherSecret))
        {
            Assert.Equal(HttpStatusCode.OK, (await otherKey.GetAsync(new Uri($"/api/v1/tenants/{otherTenant}/audit", UriKind.Relative))).StatusCode);
        }

        // Revoked from the page, the key is refused from the next request on, and the revocation is the user's in the chain.
        using (var revoked = await PostFormAsync(tenantAdmin, "/api-keys", "revoke-key", new() { ["KeyId"] = keyId }))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
            Assert.Contains($"API key {keyId} revoked.", await revoked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var key = TrustClient.Operator(stack.Gateway, secret))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await key.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/audit", UriKind.Relative))).StatusCode);
        }

        await Eventually.WaitAsync(async () =>
        {
            using var audit = await api.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/audit?action=api_key.revoke&subject=apikey:{keyId}", UriKind.Relative));
            return (await audit.JsonAsync()).GetProperty("items").EnumerateArray().Any(e => e.GetProperty("actor").GetString()!.StartsWith("user:", StringComparison.Ordinal));
        }, $"the revocation of {keyId} in the audit chain of {tenantId}");

        // A reader is refused the page and its posts.
        using var reader = await SignedInAsync(ApiKeyRole.Reader, null);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync(new Uri("/api-keys", UriKind.Relative))).StatusCode);
        Assert.DoesNotContain("href=\"/api-keys\"", await reader.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Contains("href=\"/api-keys\"", await admin.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_audit_page_shows_the_verifiers_verdict_and_names_the_entry_altered_in_the_database()
    {
        using var api = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        var (tenantId, sensorId) = await TrustClient.CreateTenantWithSensorAsync(api);
        using var reader = await SignedInAsync(ApiKeyRole.Reader, null);
        await Eventually.WaitAsync(
            async () => await stack.Database.ScalarAsync<long>($"SELECT count(*) FROM ravenxcope.audit_log WHERE tenant_id = '{tenantId}'") >= 2,
            $"two entries in the audit chain of {tenantId}");

        var intact = WebUtility.HtmlDecode(await reader.GetStringAsync(new Uri($"/tenants/{tenantId}/audit", UriKind.Relative)));
        Assert.Contains("data-verdict=\"intact\"", intact, StringComparison.Ordinal);
        Assert.Contains("chain intact for entries 1–", intact, StringComparison.Ordinal);

        // Filtered, the page shows only the sensor's entries, and the verdict is on those.
        var filtered = WebUtility.HtmlDecode(await reader.GetStringAsync(new Uri($"/tenants/{tenantId}/audit?subject=sensor:{sensorId}&action=sensor.create", UriKind.Relative)));
        Assert.Contains("sensor.create", filtered, StringComparison.Ordinal);
        Assert.DoesNotContain("tenant.create", filtered, StringComparison.Ordinal);
        Assert.Contains("data-verdict=\"intact\"", filtered, StringComparison.Ordinal);

        var broken = await stack.Database.ScalarAsync<long>($"SELECT max(seq) FROM ravenxcope.audit_log WHERE tenant_id = '{tenantId}'");
        await stack.Database.ExecuteAsync($"UPDATE ravenxcope.audit_log SET detail = detail || ' (edited)' WHERE tenant_id = '{tenantId}' AND seq = {broken}");

        var altered = WebUtility.HtmlDecode(await reader.GetStringAsync(new Uri($"/tenants/{tenantId}/audit", UriKind.Relative)));
        Assert.Contains("data-verdict=\"broken\"", altered, StringComparison.Ordinal);
        Assert.Contains($"entry {broken} does not match: the chain was altered", altered, StringComparison.Ordinal);

        using var verdict = await api.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/audit/verify", UriKind.Relative));
        var body = await verdict.JsonAsync();
        Assert.False(body.GetProperty("intact").GetBoolean());
        Assert.Equal(broken, body.GetProperty("brokenSequence").GetInt64());
    }

    [Fact]
    public async Task The_sensor_page_lists_the_sensors_audit_entries_newest_first_with_a_link_to_all_of_them()
    {
        using var api = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        var (tenantId, sensorId) = await TrustClient.CreateTenantWithSensorAsync(api);
        using (var disabled = await api.PostAsync(new Uri($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/disable", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        }

        using var reader = await SignedInAsync(ApiKeyRole.Reader, null);
        var html = await Eventually.WaitAsync(
            async () => WebUtility.HtmlDecode(await reader.GetStringAsync(new Uri($"/tenants/{tenantId}/sensors/{sensorId}", UriKind.Relative))),
            page => page!.Contains("<td>sensor.disable</td>", StringComparison.Ordinal),
            $"the disabling of {sensorId} on its page");
        var section = html[html.IndexOf("id=\"sensor-audit\"", StringComparison.Ordinal)..];
        Assert.True(section.IndexOf("<td>sensor.disable</td>", StringComparison.Ordinal) < section.IndexOf("<td>sensor.create</td>", StringComparison.Ordinal), section);
        Assert.Contains($"href=\"/tenants/{tenantId}/audit?subject=sensor:{sensorId}\"", section, StringComparison.Ordinal);
    }

    private async Task<HttpClient> SignedInAsync(ApiKeyRole role, string? tenant)
    {
        var user = $"f-{Guid.NewGuid():N}"[..20];
        const string password = "a long enough password";
        await CreateAsync(user, password, role, tenant);
        var browser = Browser();
        using var signedIn = await SignInAsync(browser, user, password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string path, string form, Dictionary<string, string> fields)
    {
        fields["_handler"] = form;
        fields["__RequestVerificationToken"] = await TokenAsync(browser, path);
        return await browser.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("rxck_[a-z2-7]{12}_[a-z2-7]{40}")]
    private static partial Regex KeyPattern();
}
