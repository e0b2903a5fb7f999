using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Npgsql;
using RavenXcope.Infrastructure.Postgres;
using RavenXcope.ServiceDefaults;
using RavenXcope.ServiceDefaults.ApiKeys;

namespace RavenXcope.Tests.Integration;

/// <summary>HTTP clients for the three listeners of a test gateway, trusting only our CA.</summary>
public static class TrustClient
{
    /// <summary>A client for the operator API with <paramref name="apiKey"/>.</summary>
    public static HttpClient Operator(TestGateway gateway, string? apiKey)
    {
        var client = new HttpClient { BaseAddress = gateway.HttpBase };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    /// <summary>A client for the enrollment port, verifying the gateway against our CA.</summary>
    public static HttpClient Enrollment(TestGateway gateway) =>
        new(new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, c, _, _) => ChainsToCa(c) } })
        {
            BaseAddress = gateway.EnrollBase,
        };

    /// <summary>A client for the mTLS port presenting <paramref name="certificatePem"/> with <paramref name="key"/>.</summary>
    public static HttpClient Sensor(TestGateway gateway, string certificatePem, ECDsa key)
    {
        using var publicOnly = X509Certificate2.CreateFromPem(certificatePem);
        var withKey = publicOnly.CopyWithPrivateKey(key);
        return new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [withKey],
                RemoteCertificateValidationCallback = (_, c, _, _) => ChainsToCa(c),
            },
        })
        {
            BaseAddress = gateway.MtlsBase,
        };
    }

    /// <summary>Creates an API key straight in the database, as <c>ravenxcope-silo create-api-key</c> does.</summary>
    public static async Task<string> CreateKeyAsync(string connectionString, ApiKeyRole role, string? tenantId = null)
    {
        await using var dataSource = new NpgsqlDataSourceBuilder(PostgresConnectionString.ForSchema(connectionString)).Build();
        return (await new ApiKeyStore(dataSource, TimeProvider.System).CreateAsync(role, tenantId)).ApiKey;
    }

    /// <summary>The JSON body of a response.</summary>
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>The problem code of a response.</summary>
    public static async Task<string?> ProblemCodeAsync(this HttpResponseMessage response) =>
        (await response.JsonAsync()).TryGetProperty("code", out var code) ? code.GetString() : null;

    /// <summary>Posts JSON.</summary>
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(path, body);

    /// <summary>Creates a tenant with fresh ids and one sensor in it through the operator API.</summary>
    public static async Task<(string TenantId, string SensorId)> CreateTenantWithSensorAsync(HttpClient admin)
    {
        var tenantId = $"t-{Guid.NewGuid():N}"[..16];
        var sensorId = $"s-{Guid.NewGuid():N}"[..16];
        using (var tenant = await admin.PostJsonAsync("/api/v1/tenants", new { tenantId, name = "Tenant" }))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, tenant.StatusCode);
        }

        using (var sensor = await admin.PostJsonAsync($"/api/v1/tenants/{tenantId}/sensors", new { sensorId, name = "Edge" }))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, sensor.StatusCode);
        }

        return (tenantId, sensorId);
    }

    /// <summary>A PEM CSR for <paramref name="key"/>, as the agent makes it.</summary>
    public static string Csr(ECDsa key) => new CertificateRequest("CN=host-1", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();

    /// <summary>An enrollment body as the agent sends it.</summary>
    public static object EnrollBody(string code, string csrPem) => new
    {
        claimCode = code,
        csrPem,
        hostname = "host-1",
        osInfo = "Debian GNU/Linux 12 (bookworm)",
        architecture = "x86_64",
        agentVersion = "1.0.0",
        sensorIp = "127.0.0.1",
        interfaces = new[] { new { name = "lo", isManagement = false, isLoopback = true, isVirtual = false, isWireless = false, isUp = true, bytesSent = 0, bytesRecv = 0 } },
    };

    private static bool ChainsToCa(X509Certificate? certificate)
    {
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(TestPki.CaCertificate));
        return certificate is not null && RavenXcope.Common.PrivateCa.Issued(ca, certificate);
    }
}
