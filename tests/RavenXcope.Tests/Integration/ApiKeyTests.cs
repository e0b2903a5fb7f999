using System.Net;
using System.Text.Json;
using RavenXcope.ServiceDefaults.ApiKeys;

namespace RavenXcope.Tests.Integration;

/// <summary>Listing, revoking and expiring operator API keys against a real silo, gateways and PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiKeyTests(TrustStackFixture stack) : IClassFixture<TrustStackFixture>
{
    [Fact]
    public async Task The_list_pages_through_keys_without_their_secret_and_last_used_is_written_at_most_once_a_minute()
    {
        var (tenantId, _) = await TenantWithSensorAsync();
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        var made = new List<(string Key, string Id)>();
        foreach (var role in new[] { "reader", "operator", "admin" })
        {
            made.Add(await CreateKeyAsync(admin, new { role, tenantId }));
        }

        // A cursor not shaped like a key id is refused before any SQL.
        foreach (var bad in new[] { "%00", "a%0Ab", "ABC" })
        {
            using var refused = await admin.GetAsync(new Uri($"/api/v1/api-keys?after={bad}", UriKind.Relative));
            Assert.Equal(("invalid_cursor", HttpStatusCode.BadRequest), (await refused.ProblemCodeAsync(), refused.StatusCode));
        }

        var seen = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var query = cursor is null ? $"limit=2&tenantId={tenantId}" : $"limit=2&tenantId={tenantId}&after={cursor}";
            using var page = await admin.GetAsync(new Uri($"/api/v1/api-keys?{query}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var text = await page.Content.ReadAsStringAsync();
            foreach (var (key, _) in made)
            {
                Assert.DoesNotContain(key[^40..], text, StringComparison.Ordinal);
            }

            var body = JsonDocument.Parse(text).RootElement.Clone();
            seen.AddRange(body.GetProperty("items").EnumerateArray());
            cursor = body.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(made.Select(m => m.Id).Order(StringComparer.Ordinal), seen.Select(i => i.GetProperty("keyId").GetString()));
        foreach (var item in seen)
        {
            Assert.Equal(
                new[] { "createdAt", "expiresAt", "keyId", "lastUsedAt", "role", "tenantId" },
                item.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal(tenantId, item.GetProperty("tenantId").GetString());
            Assert.Equal(JsonValueKind.Null, item.GetProperty("lastUsedAt").ValueKind);
        }

        // A request records the use; another within the minute writes nothing; one after a minute moves it.
        var (readerKey, readerId) = made[0];
        using var reader = TrustClient.Operator(stack.Gateway, readerKey);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(new Uri($"/api/v1/tenants/{tenantId}", UriKind.Relative))).StatusCode);
        var firstUse = await LastUsedAsync(readerId);
        Assert.NotNull(firstUse);
        Assert.True(Math.Abs((DateTime.UtcNow - firstUse!.Value).TotalMinutes) < 1, $"last used {firstUse:O}");

        var recent = DateTime.UtcNow.AddSeconds(-20);
        await SetLastUsedAsync(readerId, recent);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(new Uri($"/api/v1/tenants/{tenantId}", UriKind.Relative))).StatusCode);
        Assert.Equal(recent, (await LastUsedAsync(readerId))!.Value, TimeSpan.FromMilliseconds(1));

        var old = DateTime.UtcNow.AddMinutes(-2);
        await SetLastUsedAsync(readerId, old);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(new Uri($"/api/v1/tenants/{tenantId}", UriKind.Relative))).StatusCode);
        Assert.True(await LastUsedAsync(readerId) > recent);

        using var listed = await admin.GetAsync(new Uri($"/api/v1/api-keys?tenantId={tenantId}&limit=500", UriKind.Relative));
        var readerItem = (await listed.JsonAsync()).GetProperty("items").EnumerateArray().Single(i => i.GetProperty("keyId").GetString() == readerId);
        Assert.Equal(JsonValueKind.String, readerItem.GetProperty("lastUsedAt").ValueKind);

        using var badLimit = await admin.GetAsync(new Uri("/api/v1/api-keys?limit=0", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Equal("invalid_limit", await badLimit.ProblemCodeAsync());
        using var asOperator = TrustClient.Operator(stack.Gateway, made[1].Key);
        using var forbidden = await asOperator.GetAsync(new Uri("/api/v1/api-keys", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("forbidden", await forbidden.ProblemCodeAsync());
    }

    [Fact]
    public async Task A_revoked_key_is_refused_on_the_next_request_on_every_gateway_and_cannot_be_revoked_twice()
    {
        var (tenantId, _) = await TenantWithSensorAsync();
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        var (key, keyId) = await CreateKeyAsync(admin, new { role = "operator", tenantId });
        await using var second = await TestGateway.StartAsync(stack.Database.ConnectionString);
        using var onFirst = TrustClient.Operator(stack.Gateway, key);
        using var onSecond = TrustClient.Operator(second, key);
        var tenantPath = new Uri($"/api/v1/tenants/{tenantId}", UriKind.Relative);
        Assert.Equal(HttpStatusCode.OK, (await onFirst.GetAsync(tenantPath)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await onSecond.GetAsync(tenantPath)).StatusCode);

        using (var revoked = await admin.DeleteAsync(new Uri($"/api/v1/api-keys/{keyId}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        foreach (var client in new[] { onSecond, onFirst })
        {
            using var refused = await client.GetAsync(tenantPath);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("api_key_revoked", await refused.ProblemCodeAsync());
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        using (var again = await admin.DeleteAsync(new Uri($"/api/v1/api-keys/{keyId}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
            Assert.Equal("api_key_not_found", await again.ProblemCodeAsync());
        }

        // A whole key given in place of its id is refused without being echoed.
        using (var wholeKey = await admin.DeleteAsync(new Uri($"/api/v1/api-keys/{key}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wholeKey.StatusCode);
            Assert.Equal("invalid_key_id", await wholeKey.ProblemCodeAsync());
            Assert.DoesNotContain(key[^40..], await wholeKey.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var listed = await admin.GetAsync(new Uri($"/api/v1/api-keys?tenantId={tenantId}", UriKind.Relative));
        Assert.DoesNotContain(keyId, await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var audit = await admin.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/audit?limit=100", UriKind.Relative));
        var actions = (await audit.JsonAsync()).GetProperty("items").EnumerateArray()
            .Select(e => (Action: e.GetProperty("action").GetString(), Subject: e.GetProperty("subject").GetString())).ToList();
        Assert.Contains(("api_key.create", $"apikey:{keyId}"), actions);
        Assert.Contains(("api_key.revoke", $"apikey:{keyId}"), actions);
    }

    [Fact]
    public async Task A_tenant_admin_sees_and_revokes_only_its_own_tenants_keys()
    {
        var (mine, _) = await TenantWithSensorAsync();
        var (theirs, _) = await TenantWithSensorAsync();
        using var global = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        var (tenantAdminKey, tenantAdminId) = await CreateKeyAsync(global, new { role = "admin", tenantId = mine });
        var (_, myReaderId) = await CreateKeyAsync(global, new { role = "reader", tenantId = mine });
        var (theirKey, theirKeyId) = await CreateKeyAsync(global, new { role = "reader", tenantId = theirs });
        using var tenantAdmin = TrustClient.Operator(stack.Gateway, tenantAdminKey);

        using (var page = await tenantAdmin.GetAsync(new Uri("/api/v1/api-keys?limit=500", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var items = (await page.JsonAsync()).GetProperty("items").EnumerateArray().ToList();
            Assert.All(items, i => Assert.Equal(mine, i.GetProperty("tenantId").GetString()));
            Assert.Equal(new[] { tenantAdminId, myReaderId }.Order(StringComparer.Ordinal), items.Select(i => i.GetProperty("keyId").GetString()));
        }

        using (var other = await tenantAdmin.GetAsync(new Uri($"/api/v1/api-keys?tenantId={theirs}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
            Assert.Equal("tenant_not_found", await other.ProblemCodeAsync());
        }

        using (var cross = await tenantAdmin.DeleteAsync(new Uri($"/api/v1/api-keys/{theirKeyId}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, cross.StatusCode);
            Assert.Equal("api_key_not_found", await cross.ProblemCodeAsync());
        }

        using var theirClient = TrustClient.Operator(stack.Gateway, theirKey);
        Assert.Equal(HttpStatusCode.OK, (await theirClient.GetAsync(new Uri($"/api/v1/tenants/{theirs}", UriKind.Relative))).StatusCode);

        using (var own = await tenantAdmin.DeleteAsync(new Uri($"/api/v1/api-keys/{myReaderId}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, own.StatusCode);
        }
    }

    [Fact]
    public async Task An_expiry_is_set_at_creation_and_an_expired_key_is_refused_with_a_401_problem()
    {
        var (tenantId, _) = await TenantWithSensorAsync();
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        using (var past = await admin.PostJsonAsync("/api/v1/api-keys", new { role = "reader", tenantId, expiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
            Assert.Equal("invalid_expiry", await past.ProblemCodeAsync());
        }

        var expiresAt = DateTimeOffset.UtcNow.AddHours(1);
        using var created = await admin.PostJsonAsync("/api/v1/api-keys", new { role = "reader", tenantId, expiresAt });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        var key = body.GetProperty("apiKey").GetString()!;
        var keyId = body.GetProperty("keyId").GetString()!;
        Assert.Equal(expiresAt, body.GetProperty("expiresAt").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));

        using var client = TrustClient.Operator(stack.Gateway, key);
        var tenantPath = new Uri($"/api/v1/tenants/{tenantId}", UriKind.Relative);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(tenantPath)).StatusCode);

        await stack.Database.ExecuteAsync($"UPDATE ravenxcope.api_keys SET expires_at = now() - interval '1 second' WHERE key_id = '{keyId}'");
        using var refused = await client.GetAsync(tenantPath);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("api_key_expired", await refused.ProblemCodeAsync());
        Assert.DoesNotContain(key[^40..], await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The silo's create-api-key takes --expires-in; the list shows the expiry it set.
        var silo = ServiceProcess.Program("Silo", "ravenxcope-silo");
        var (exit, output) = await ServiceProcess.RunAsync(
            silo, ["create-api-key", "--role", "reader", "--tenant", tenantId, "--expires-in", "2h", "--connection-string", stack.Database.ConnectionString], new Dictionary<string, string>());
        Assert.True(exit == 0, output);
        var cliKeyId = output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("rxck_", StringComparison.Ordinal)).Substring(5, 12);
        using var listed = await admin.GetAsync(new Uri($"/api/v1/api-keys?tenantId={tenantId}&limit=500", UriKind.Relative));
        var item = (await listed.JsonAsync()).GetProperty("items").EnumerateArray().Single(i => i.GetProperty("keyId").GetString() == cliKeyId);
        Assert.Equal(DateTimeOffset.UtcNow.AddHours(2), item.GetProperty("expiresAt").GetDateTimeOffset(), TimeSpan.FromMinutes(1));

        var (badExit, badOutput) = await ServiceProcess.RunAsync(
            silo, ["create-api-key", "--role", "reader", "--expires-in", "soon", "--connection-string", stack.Database.ConnectionString], new Dictionary<string, string>());
        Assert.Equal(2, badExit);
        Assert.Contains("--expires-in", badOutput, StringComparison.Ordinal);

        // A list of roles is not read as the strongest of them.
        foreach (var role in new[] { "reader,admin", " admin", "2" })
        {
            var (roleExit, roleOutput) = await ServiceProcess.RunAsync(
                silo, ["create-api-key", "--role", role, "--connection-string", stack.Database.ConnectionString], new Dictionary<string, string>());
            Assert.True(roleExit == 2, $"--role '{role}': exit {roleExit}: {roleOutput}");
        }
    }

    [Fact]
    public async Task Verify_audit_refuses_a_tenant_that_does_not_exist()
    {
        var silo = ServiceProcess.Program("Silo", "ravenxcope-silo");
        var (exit, output) = await ServiceProcess.RunAsync(
            silo, ["verify-audit", "--tenant", "nosuch", "--connection-string", stack.Database.ConnectionString], new Dictionary<string, string> { ["AUDIT_HMAC_KEY"] = TestSilo.AuditKey });
        Assert.NotEqual(0, exit);
        Assert.Contains("nosuch", output, StringComparison.Ordinal);
        Assert.Contains("does not exist", output, StringComparison.Ordinal);
        Assert.DoesNotContain("all match", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_audit_reads_the_stacks_settings_from_its_env_file_as_the_other_commands_do()
    {
        // The KEY=value file a local stack writes (.data/up.env), with nothing in the environment.
        var tenantId = $"t-env-{Guid.NewGuid():N}"[..20];
        using (var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey))
        using (var created = await admin.PostJsonAsync("/api/v1/tenants", new { tenantId, name = "Env" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var silo = ServiceProcess.Program("Silo", "ravenxcope-silo");
        var envFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(envFile, ["GATEWAY_URL=http://127.0.0.1:1", $"PG_DSN={stack.Database.ConnectionString}", $"AUDIT_HMAC_KEY={TestSilo.AuditKey}"]);
            var (exit, output) = await ServiceProcess.RunAsync(silo, ["verify-audit", "--tenant", tenantId, "--env-file", envFile], new Dictionary<string, string>());
            Assert.True(exit == 0, output);
            Assert.Contains("all match", output, StringComparison.Ordinal);

            var (missingExit, missing) = await ServiceProcess.RunAsync(silo, ["verify-audit", "--tenant", tenantId, "--env-file", envFile + ".missing"], new Dictionary<string, string>());
            Assert.Equal(2, missingExit);
            Assert.Contains("--env-file", missing, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(envFile);
        }
    }

    [Fact]
    public async Task An_admin_command_without_a_database_says_how_to_give_one()
    {
        var silo = ServiceProcess.Program("Silo", "ravenxcope-silo");
        var (exit, output) = await ServiceProcess.RunAsync(
            silo, ["verify-audit", "--tenant", "acme"], new Dictionary<string, string> { ["PG_DSN"] = "", ["AUDIT_HMAC_KEY"] = TestSilo.AuditKey });
        Assert.Equal(2, exit);
        Assert.Contains("--connection-string", output, StringComparison.Ordinal);
        Assert.Contains("--env-file", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mistyped_command_is_refused_by_name_and_starts_no_host()
    {
        // With the database configured, a command the parser does not know would otherwise start a silo or a gateway.
        var environment = new Dictionary<string, string> { ["PG_DSN"] = stack.Database.ConnectionString };
        var (siloExit, silo) = await ServiceProcess.RunAsync(ServiceProcess.Program("Silo", "ravenxcope-silo"), ["verify-adit", "--tenant", "acme"], environment);
        Assert.Equal(2, siloExit);
        Assert.Contains("'verify-adit' is neither a command (", silo, StringComparison.Ordinal);
        Assert.Contains("verify-audit", silo, StringComparison.Ordinal);

        var (gatewayExit, gateway) = await ServiceProcess.RunAsync(ServiceProcess.Program("Gateway", "ravenxcope-gateway"), ["create-operater", "--user", "x"], environment);
        Assert.Equal(2, gatewayExit);
        Assert.Contains("'create-operater' is neither a command (create-operator)", gateway, StringComparison.Ordinal);

        // Asking for help prints it and starts nothing.
        foreach (var arguments in new[] { new[] { "--help" }, ["create-operator", "--help"] })
        {
            var (helpExit, help) = await ServiceProcess.RunAsync(ServiceProcess.Program("Gateway", "ravenxcope-gateway"), arguments, environment);
            Assert.True(helpExit == 0, help);
            Assert.Contains("create-operator --user NAME --role admin|operator|reader", help, StringComparison.Ordinal);
        }
    }

    private static async Task<(string Key, string Id)> CreateKeyAsync(HttpClient admin, object request)
    {
        using var created = await admin.PostJsonAsync("/api/v1/api-keys", request);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        return (body.GetProperty("apiKey").GetString()!, body.GetProperty("keyId").GetString()!);
    }

    private async Task<DateTime?> LastUsedAsync(string keyId) =>
        await stack.Database.ScalarAsync<object>($"SELECT last_used_at FROM ravenxcope.api_keys WHERE key_id = '{keyId}'") is DateTime at ? at : null;

    private Task SetLastUsedAsync(string keyId, DateTime at) =>
        stack.Database.ExecuteAsync($"UPDATE ravenxcope.api_keys SET last_used_at = '{at:O}' WHERE key_id = '{keyId}'");

    private async Task<(string TenantId, string SensorId)> TenantWithSensorAsync()
    {
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        return await TrustClient.CreateTenantWithSensorAsync(admin);
    }
}
