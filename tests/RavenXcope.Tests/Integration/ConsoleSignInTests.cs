using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using RavenXcope.Gateway.OperatorConsole;
using RavenXcope.Infrastructure.Postgres;
using RavenXcope.Infrastructure.Postgres.Accounts;
using RavenXcope.ServiceDefaults.ApiKeys;

namespace RavenXcope.Tests.Integration;

/// <summary>The console's sign-in as a browser without script sends it: antiforgery, lock-out, the sign-in log; and the fleet page over 10 000 sensors.</summary>
[Collection(PostgresCollection.Name)]
public sealed partial class ConsoleSignInTests(TrustStackFixture stack) : IClassFixture<TrustStackFixture>
{
    [Fact]
    public async Task Repeated_failures_lock_the_account_even_for_the_right_password_and_every_attempt_is_logged()
    {
        var user = $"lock-{Guid.NewGuid():N}"[..20];
        const string password = "correct horse battery staple";
        await CreateAsync(user, password, ApiKeyRole.Operator, null);
        using var browser = Browser();

        for (var i = 0; i < ConsoleAccounts.LockOutAfter; i++)
        {
            using var wrong = await SignInAsync(browser, user, $"wrong password {i}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var right = await SignInAsync(browser, user, password);
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Contains("locked", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var outcomes = await stack.Database.ScalarAsync<string>(
            $"SELECT string_agg(outcome, ',' ORDER BY id) FROM ravenxcope.operator_sign_ins WHERE user_name = '{user}'");
        Assert.Equal("wrong_password,wrong_password,wrong_password,wrong_password,wrong_password_locked,locked_out", outcomes);
    }

    [Fact]
    public async Task A_password_typed_as_an_unknown_user_name_is_not_kept_in_the_sign_in_log()
    {
        var typed = $"hunter{Guid.NewGuid():N}"[..24];
        using var browser = Browser();
        var before = await stack.Database.ScalarAsync<long>($"SELECT count(*) FROM ravenxcope.operator_sign_ins WHERE user_name = '{ConsoleAccounts.UnknownUser}'");

        using var refused = await SignInAsync(browser, typed, "whatever was typed next");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        Assert.Equal(0L, await stack.Database.ScalarAsync<long>($"SELECT count(*) FROM ravenxcope.operator_sign_ins WHERE user_name LIKE '%{typed}%'"));
        Assert.True(await stack.Database.ScalarAsync<long>($"SELECT count(*) FROM ravenxcope.operator_sign_ins WHERE user_name = '{ConsoleAccounts.UnknownUser}' AND outcome = 'unknown_user'") > before);
    }

    [Fact]
    public async Task A_sign_in_without_the_antiforgery_token_is_refused_and_one_with_it_opens_the_fleet()
    {
        var user = $"ok-{Guid.NewGuid():N}"[..20];
        const string password = "a long enough password";
        await CreateAsync(user, password, ApiKeyRole.Reader, null);
        using var browser = Browser();

        using var bare = await browser.PostAsync(new Uri("/sign-in", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sign-in", ["User"] = user, ["Password"] = password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        Assert.Equal(0L, await stack.Database.ScalarAsync<long>($"SELECT count(*) FROM ravenxcope.operator_sign_ins WHERE user_name = '{user}'"));

        using var signedIn = await SignInAsync(browser, user, password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        using var fleet = await browser.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, fleet.StatusCode);
        Assert.Contains("<h1", await fleet.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A sign-out posted from elsewhere (no token) is refused and leaves the session as it was.
        using (var forgedSignOut = await browser.PostAsync(new Uri("/sign-out", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>())))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forgedSignOut.StatusCode);
        }

        using (var still = await browser.GetAsync(new Uri("/", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        }

        // Signed out, the same browser is sent to the sign-in page again.
        using var signOut = await browser.PostAsync(new Uri("/sign-out", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = await TokenAsync(browser, "/") }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        using var after = await browser.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/sign-in", after.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_audit_page_asked_for_after_a_cursor_that_is_not_a_number_answers_400_not_500()
    {
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        var (tenantId, _) = await TrustClient.CreateTenantWithSensorAsync(admin);
        var user = $"au-{Guid.NewGuid():N}"[..20];
        const string password = "a long enough password";
        await CreateAsync(user, password, ApiKeyRole.Reader, null);
        using var browser = Browser();
        using (var signedIn = await SignInAsync(browser, user, password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        using var bad = await browser.GetAsync(new Uri($"/tenants/{tenantId}/audit?after=abc", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("must be a sequence number", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var good = await browser.GetAsync(new Uri($"/tenants/{tenantId}/audit?after=0", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task An_admin_creates_accounts_only_for_tenants_that_exist_and_each_creation_is_in_the_tenants_audit_chain()
    {
        using var api = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        var (tenantId, _) = await TrustClient.CreateTenantWithSensorAsync(api);
        var admin = $"ad-{Guid.NewGuid():N}"[..20];
        const string password = "a long enough password";
        await CreateAsync(admin, password, ApiKeyRole.Admin, null);
        using var browser = Browser();
        using (var signedIn = await SignInAsync(browser, admin, password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        var ghost = $"gh-{Guid.NewGuid():N}"[..20];
        using (var refused = await CreateAccountAsync(browser, ghost, "no-such-tenant"))
        {
            Assert.Contains("tenant no-such-tenant does not exist", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(0L, await stack.Database.ScalarAsync<long>($"SELECT count(*) FROM ravenxcope.operator_accounts WHERE user_name = '{ghost}'"));

        var member = $"mb-{Guid.NewGuid():N}"[..20];
        using (var created = await CreateAccountAsync(browser, member, tenantId))
        {
            Assert.Contains($"Account {member} created.", await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await Eventually.WaitAsync(async () =>
        {
            using var audit = await api.GetAsync(new Uri($"/api/v1/tenants/{tenantId}/audit?limit=100", UriKind.Relative));
            return (await audit.JsonAsync()).GetProperty("items").EnumerateArray().Any(e =>
                e.GetProperty("action").GetString() == "account.create" && e.GetProperty("subject").GetString() == $"user:{member}"
                && e.GetProperty("actor").GetString() == $"user:{admin}");
        }, $"the creation of {member} in the audit chain of {tenantId}");
    }

    [Fact]
    public async Task The_create_operator_subcommand_refuses_a_tenant_that_does_not_exist_and_creates_nothing()
    {
        var user = $"sc-{Guid.NewGuid():N}"[..20];
        var (exit, output) = await ServiceProcess.RunAsync(
            ServiceProcess.Program("Gateway", "ravenxcope-gateway"),
            ["create-operator", "--user", user, "--role", "reader", "--tenant", "no-such-tenant", "--connection-string", stack.Database.ConnectionString],
            new Dictionary<string, string>());
        Assert.True(exit == 2, output);
        Assert.Contains("tenant no-such-tenant does not exist", output, StringComparison.Ordinal);
        Assert.Equal(0L, await stack.Database.ScalarAsync<long>($"SELECT count(*) FROM ravenxcope.operator_accounts WHERE user_name = '{user}'"));
    }

    [Fact]
    public async Task The_fleet_page_of_ten_thousand_sensors_renders_with_its_counts()
    {
        var tenant = $"bulk-{Guid.NewGuid():N}"[..16];
        await stack.Database.ExecuteAsync($"""
            INSERT INTO ravenxcope.tenant_directory (tenant_id, name, created_at, updated_at) VALUES ('{tenant}', 'Bulk', now(), now());
            INSERT INTO ravenxcope.sensor_directory (tenant_id, sensor_id, name, lifecycle, trust_state, cert_serial, cert_not_after, created_at, updated_at, liveness, hostname, agent_version, suricata, last_heartbeat_at)
            SELECT '{tenant}', 's-' || lpad(i::text, 5, '0'), 'Sensor ' || i, CASE WHEN i % 50 = 0 THEN 'disabled' ELSE 'enrolled' END,
                   CASE WHEN i % 97 = 0 THEN 'renewal_due' WHEN i % 89 = 0 THEN 'expired' ELSE 'trusted' END, md5(i::text), now() + interval '20 days',
                   now(), now(), CASE WHEN i % 10 = 0 THEN 'offline' ELSE 'online' END, 'host-' || i, '1.0.0', 'running', now() - (i % 600) * interval '1 second'
              FROM generate_series(1, 10000) AS i;
            """);
        var user = $"bulk-{Guid.NewGuid():N}"[..20];
        await CreateAsync(user, "a long enough password", ApiKeyRole.Reader, null);
        using var browser = Browser();
        using (var signedIn = await SignInAsync(browser, user, "a long enough password"))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        var times = new List<double>();
        string html = string.Empty;
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            using var fleet = await browser.GetAsync(new Uri($"/?tenant={tenant}", UriKind.Relative));
            html = await fleet.Content.ReadAsStringAsync();
            times.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Equal(HttpStatusCode.OK, fleet.StatusCode);
        }

        Assert.Contains("data-count=\"total\">10000<", html, StringComparison.Ordinal);
        Assert.Contains("data-count=\"liveness:offline\">1000<", html, StringComparison.Ordinal);
        var report = new { sensors = 10000, firstMs = times[0], warmMs = times.Skip(1).ToArray(), bytes = html.Length };
        await File.WriteAllTextAsync(Path.Combine(TestEnvironment.ArtifactsDirectory, "console-fleet-10k.json"), JsonSerializer.Serialize(report));
        Assert.True(times.Skip(1).Min() < 1000, $"the fleet page of 10 000 sensors took {string.Join(", ", times.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))} ms");
    }

    [Fact]
    public async Task While_the_database_is_away_a_browser_is_shown_a_page_that_says_so_not_the_apis_json()
    {
        var user = $"away-{Guid.NewGuid():N}"[..20];
        const string password = "a long enough password";
        await CreateAsync(user, password, ApiKeyRole.Reader, null);
        using var signedIn = Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(signedIn, user, password)).StatusCode);
        using var signingIn = Browser();
        var token = await TokenAsync(signingIn, "/sign-in");

        await using (await stack.Database.BeginOutageAsync())
        {
            using var signIn = await signingIn.PostAsync(new Uri("/sign-in", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "sign-in", ["__RequestVerificationToken"] = token, ["User"] = user, ["Password"] = password,
            }));
            using var fleet = await signedIn.GetAsync(new Uri("/", UriKind.Relative));
            foreach (var response in new[] { signIn, fleet })
            {
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{response.RequestMessage!.RequestUri}: {(int)response.StatusCode} {body}");
                Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(response.Headers.RetryAfter);
                Assert.Contains("The database is unavailable", body, StringComparison.Ordinal);
                Assert.Contains("data-code=\"storage_unavailable\"", body, StringComparison.Ordinal);
                Assert.DoesNotContain("Idempotency-Key", body, StringComparison.Ordinal);
            }
        }

        // Once the database is back, the same session goes on without signing in again.
        await Eventually.WaitAsync(async () => (await signedIn.GetAsync(new Uri("/", UriKind.Relative))).StatusCode == HttpStatusCode.OK, "the fleet page after the database came back");
        await Eventually.WaitAsync(async () => await stack.Database.ScalarAsync<int>("SELECT 1") == 1, "the test's own connections to the database");
        // The silo's pooled connections the outage cut each fail once before they are replaced; wait until a write goes through.
        using var api = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        var back = $"back-{Guid.NewGuid():N}"[..16];
        await Eventually.WaitAsync(
            async () => (await api.PostJsonAsync("/api/v1/tenants", new { tenantId = back, name = "Back" })).StatusCode is HttpStatusCode.Created or HttpStatusCode.OK,
            "a tenant to be created after the database came back");
    }

    [Fact]
    public async Task The_fleet_page_lists_the_commands_that_failed_or_expired_in_the_last_day_only()
    {
        var tenant = $"fail-{Guid.NewGuid():N}"[..16];
        await stack.Database.ExecuteAsync($"""
            INSERT INTO ravenxcope.tenant_directory (tenant_id, name, created_at, updated_at) VALUES ('{tenant}', 'Failing', now(), now());
            INSERT INTO ravenxcope.sensor_directory (tenant_id, sensor_id, name, lifecycle, trust_state, created_at, updated_at, liveness,
                                                     failed_command_id, failed_command_type, failed_command_status, failed_command_at, failed_command_detail)
            VALUES ('{tenant}', 'recent', 'Recent', 'enrolled', 'trusted', now(), now(), 'online', 'cmd_recent', 'start', 'failed', now() - interval '1 hour', 'suricata: no rules'),
                   ('{tenant}', 'lapsed', 'Lapsed', 'enrolled', 'trusted', now(), now(), 'online', 'cmd_lapsed', 'stop', 'expired', now() - interval '1 hour', NULL),
                   ('{tenant}', 'old', 'Old', 'enrolled', 'trusted', now(), now(), 'online', 'cmd_old', 'start', 'failed', now() - interval '3 days', 'long ago'),
                   ('{tenant}', 'fine', 'Fine', 'enrolled', 'trusted', now(), now(), 'online', NULL, NULL, NULL, NULL, NULL);
            """);
        var user = $"fail-{Guid.NewGuid():N}"[..20];
        await CreateAsync(user, "a long enough password", ApiKeyRole.Reader, null);
        using var browser = Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(browser, user, "a long enough password")).StatusCode);

        var html = await browser.GetStringAsync(new Uri($"/?tenant={tenant}", UriKind.Relative));
        Assert.Contains("data-failed-command=\"cmd_recent\"", html, StringComparison.Ordinal);
        Assert.Contains("suricata: no rules", html, StringComparison.Ordinal);
        Assert.Contains("data-failed-command=\"cmd_lapsed\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("cmd_old", html, StringComparison.Ordinal);
        Assert.Contains("(2)</h2>", html, StringComparison.Ordinal);
    }

    private async Task CreateAsync(string user, string password, ApiKeyRole role, string? tenant)
    {
        await using var database = PostgresServiceCollectionExtensions.OpenPostgres(stack.Database.ConnectionString);
        Assert.True(await database.GetRequiredService<OperatorAccountStore>().CreateAsync(user, ConsoleAccounts.Hash(password), role, tenant));
    }

    private static async Task<HttpResponseMessage> CreateAccountAsync(HttpClient browser, string user, string tenant) =>
        await browser.PostAsync(new Uri("/operators", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "create-account", ["__RequestVerificationToken"] = await TokenAsync(browser, "/operators"),
            ["NewUser"] = user, ["NewPassword"] = "another long password", ["NewRole"] = "reader", ["NewTenant"] = tenant,
        }));

    private HttpClient Browser() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = stack.Gateway.HttpBase };

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string user, string password) =>
        await browser.PostAsync(new Uri("/sign-in", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sign-in", ["__RequestVerificationToken"] = await TokenAsync(browser, "/sign-in"), ["User"] = user, ["Password"] = password,
        }));

    private static async Task<string> TokenAsync(HttpClient browser, string path)
    {
        var html = await browser.GetStringAsync(new Uri(path, UriKind.Relative));
        return TokenPattern().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"no antiforgery token on {path}:\n{html}");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
