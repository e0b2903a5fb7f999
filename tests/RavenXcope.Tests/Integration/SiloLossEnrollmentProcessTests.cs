using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// A hundred hosts enroll while one of two silos is killed: a host whose answer was lost retries with the same key
/// and CSR and gets its certificate, so every host ends enrolled and no claim code is spent for nothing.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SiloLossEnrollmentProcessTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Hosts = 100;

    [Fact]
    public async Task A_silo_killed_during_a_hundred_enrollments_leaves_every_host_enrolled_after_its_retry()
    {
        await using var stack = await ProcessStack.StartAsync("silo_loss", withNats: false);
        var second = await stack.StartSecondSiloAsync();
        var api = stack.Api;
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/tenants", new { tenantId = "acme", name = "Acme" })).StatusCode);
        var codes = new List<(string SensorId, string Code, string StateDir)>();
        for (var i = 0; i < Hosts; i++)
        {
            var sensorId = $"edge-{i}";
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/tenants/acme/sensors", new { sensorId, name = sensorId })).StatusCode);
            using var response = await api.PostAsJsonAsync($"/api/v1/tenants/acme/sensors/{sensorId}/claim-codes", new { ttlSeconds = 3600 });
            codes.Add((sensorId, (await response.JsonAsync()).GetProperty("claimCode").GetString()!, Path.Combine(stack.Work, sensorId)));
        }

        Task<(int ExitCode, string Output)> Enroll((string SensorId, string Code, string StateDir) host) =>
            ServiceProcess.RunAsync(ProcessStack.Agent, ["enroll", "--code", host.Code, "--url", stack.EnrollUrl, "--ca-file", stack.CaFile, "--state-dir", host.StateDir], new Dictionary<string, string>(), TimeSpan.FromMinutes(5));

        var runs = codes.Select(Enroll).ToList();

        // The silo dies with enrollments in flight: once some hosts are through, while the rest are not.
        await Eventually.WaitAsync(() => Task.FromResult(runs.Count(r => r.IsCompleted)), n => n >= 1, "the first enrollment", TimeSpan.FromMinutes(3));
        second.KillNow();
        var first = await Task.WhenAll(runs);

        // A host whose run failed runs enroll again, as its operator would: with the same state directory.
        var failed = codes.Where((_, i) => first[i].ExitCode != 0).ToList();
        output.WriteLine($"{Hosts - failed.Count} of {Hosts} hosts enrolled in their first run; {failed.Count} ran enroll again");
        var retried = await Task.WhenAll(failed.Select(Enroll));
        Assert.All(retried.Zip(failed), r => Assert.True(r.First.ExitCode == 0, $"{r.Second.SensorId}'s retry failed:\n{r.First.Output}"));

        // The cluster answers for the dead silo's sensors once membership has declared it dead (503 until then).
        foreach (var (sensorId, _, stateDir) in codes)
        {
            var sensor = await Eventually.WaitAsync(
                async () => await (await api.GetAsync(new Uri($"/api/v1/tenants/acme/sensors/{sensorId}", UriKind.Relative))).JsonAsync(),
                s => s.TryGetProperty("lifecycle", out _),
                $"sensor {sensorId} to be answered for",
                TimeSpan.FromSeconds(120));
            Assert.Equal("enrolled", sensor.GetProperty("lifecycle").GetString());
            using var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(stateDir, "client.cert.pem")));
            Assert.Equal(sensor.GetProperty("certificateSerial").GetString(), certificate.SerialNumber, ignoreCase: true);
        }
    }
}
