using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RavenXcope.Infrastructure.Postgres;

namespace RavenXcope.Tests.Integration;

/// <summary>The silo's dashboard and health endpoint, and the gateway's health endpoint, over real HTTP.</summary>
[Collection(PostgresCollection.Name)]
public sealed class HttpEndpointTests
{
    [Fact]
    public async Task The_dashboard_answers_only_with_the_configured_credential_and_health_names_each_dependency()
    {
        await using var db = await PostgresDatabase.CreateAsync("http");
        await new SchemaMigrator(db.ConnectionString).MigrateAsync();
        await using var silo = await TestSilo.StartAsync(db.ConnectionString, "silo-http");
        using var http = new HttpClient { BaseAddress = silo.HttpBase };

        using (var anonymous = await http.GetAsync(new Uri("/dashboard/", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Contains("Basic", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync(http, "/dashboard/", TestSilo.DashboardUser, "wrong-password-wrong-password"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync(http, "/dashboard/", "someone-else", TestSilo.DashboardPassword));
        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(http, "/dashboard/", TestSilo.DashboardUser, TestSilo.DashboardPassword));

        using var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", report.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", report.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", report.RootElement.GetProperty("checks").GetProperty("cluster").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Silo_health_turns_unhealthy_and_says_so_when_the_database_is_gone()
    {
        await using var db = await PostgresDatabase.CreateAsync("health_db");
        await new SchemaMigrator(db.ConnectionString).MigrateAsync();
        await using var silo = await TestSilo.StartAsync(db.ConnectionString, "silo-health");
        using var http = new HttpClient { BaseAddress = silo.HttpBase };

        // Simulate a schema rolled back underneath a running silo: health reports the database, by name.
        await db.ExecuteAsync($"DELETE FROM ravenxcope.schema_migrations WHERE version = {Migration.All[^1].Version}");
        using var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        var database = report.RootElement.GetProperty("checks").GetProperty("database");
        Assert.Equal("Unhealthy", database.GetProperty("status").GetString());
        Assert.Contains("ravenxcope-silo migrate", database.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_health_reports_whether_it_reaches_the_cluster()
    {
        await using var db = await PostgresDatabase.CreateAsync("gateway");
        await new SchemaMigrator(db.ConnectionString).MigrateAsync();
        var silo = await TestSilo.StartAsync(db.ConnectionString, "silo-for-gateway");
        await using var gateway = await TestGateway.StartAsync(db.ConnectionString);
        using var http = new HttpClient { BaseAddress = gateway.HttpBase };

        using (var healthy = await http.GetAsync(new Uri("/healthz", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
            Assert.Contains("cluster reachable", await healthy.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await silo.DisposeAsync();
        await Eventually.WaitAsync(
            async () => (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode == HttpStatusCode.ServiceUnavailable,
            "gateway health to report the cluster gone");
    }

    private static async Task<HttpStatusCode> GetStatusAsync(HttpClient http, string path, string user, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
