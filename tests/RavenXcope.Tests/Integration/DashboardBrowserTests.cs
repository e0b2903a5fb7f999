using System.Net;
using System.Security.Cryptography;
using System.Text.Json;

namespace RavenXcope.Tests.Integration;

/// <summary>An SRE's view: headless Chromium logs into the Orleans Dashboard and reads a sensor grain's state.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DashboardBrowserTests(TrustStackFixture stack) : IClassFixture<TrustStackFixture>
{
    [Fact]
    public async Task An_SRE_logs_into_the_dashboard_and_finds_an_enrolled_sensor_grain_state_without_secrets()
    {
        using var admin = TrustClient.Operator(stack.Gateway, stack.AdminKey);
        var (tenantId, sensorId) = await TrustClient.CreateTenantWithSensorAsync(admin);

        string code;
        using (var codeResponse = await admin.PostJsonAsync($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/claim-codes", new { ttlSeconds = 600 }))
        {
            code = (await codeResponse.JsonAsync()).GetProperty("claimCode").GetString()!;
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var enroll = TrustClient.Enrollment(stack.Gateway);
        using (var enrolled = await enroll.PostJsonAsync("/api/v1/enroll", TrustClient.EnrollBody(code, TrustClient.Csr(key))))
        {
            Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        }

        var screenshot = Path.Combine(TestEnvironment.ArtifactsDirectory, "dashboard-sensor-grain.png");
        File.Delete(screenshot);
        var input = JsonSerializer.Serialize(new
        {
            url = new Uri(stack.Silo.HttpBase, "/dashboard/").ToString(),
            username = TestSilo.DashboardUser,
            password = TestSilo.DashboardPassword,
            grainType = "SensorGrain",
            grainId = $"s:{tenantId}/{sensorId}",
            expect = new[] { $"\"SensorId\": \"{sensorId}\"", "\"Lifecycle\": \"Enrolled\"", "\"TrustState\": \"Trusted\"" },
            screenshot,
            chromium = TestEnvironment.Chromium,
        });

        using var output = JsonDocument.Parse(await NodeInterop.RunAsync("dashboard-check.mjs", input, TimeSpan.FromSeconds(90)));
        var state = output.RootElement.GetProperty("state").GetString()!;
        Assert.EndsWith("SensorGrain", output.RootElement.GetProperty("grainType").GetString(), StringComparison.Ordinal);
        Assert.Contains(tenantId, state, StringComparison.Ordinal);
        Assert.Contains("\"Lifecycle\": \"Enrolled\"", state, StringComparison.Ordinal);
        Assert.Contains("\"TrustState\": \"Trusted\"", state, StringComparison.Ordinal);
        Assert.DoesNotContain(code, state, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", state, StringComparison.Ordinal);
        Assert.True(new FileInfo(screenshot).Length > 10_000, $"the screenshot at {screenshot} is missing or blank");
    }
}
