using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using RavenXcope.Gateway.Hosting;

namespace RavenXcope.Tests.Integration;

/// <summary>A real gateway, built as ravenxcope-gateway builds it, in the test process on free loopback ports.</summary>
public sealed class TestGateway : IAsyncDisposable
{
    private TestGateway(WebApplication app, int httpPort, int enrollPort, int mtlsPort)
    {
        App = app;
        HttpBase = new Uri($"http://127.0.0.1:{httpPort}");
        EnrollBase = new Uri($"https://127.0.0.1:{enrollPort}");
        MtlsBase = new Uri($"https://127.0.0.1:{mtlsPort}");
    }

    /// <summary>The gateway's host.</summary>
    public WebApplication App { get; }

    /// <summary>Operator API and health.</summary>
    public Uri HttpBase { get; }

    /// <summary>Enrollment (HTTPS).</summary>
    public Uri EnrollBase { get; }

    /// <summary>Sensor API (mTLS).</summary>
    public Uri MtlsBase { get; }

    /// <summary>Builds and starts a gateway against <paramref name="connectionString"/>.</summary>
    /// <remarks>The gateway connects to the cluster before it serves: start a silo first.</remarks>
    /// <param name="connectionString">The database.</param>
    /// <param name="httpPort">The operator port; a free one when null.</param>
    /// <param name="settings">Configuration on top of the test's own.</param>
    /// <param name="configure">Lets a test add services (e.g. a startup filter that observes requests).</param>
    public static async Task<TestGateway> StartAsync(string connectionString, int? httpPort = null, IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        int http = httpPort ?? FreePort.Next(), enroll = FreePort.Next(), mtls = FreePort.Next();
        var app = GatewayApplication.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
            {
                ["Database:ConnectionString"] = connectionString,
                ["Gateway:HttpPort"] = http.ToString(CultureInfo.InvariantCulture),
                ["Gateway:EnrollPort"] = enroll.ToString(CultureInfo.InvariantCulture),
                ["Gateway:MtlsPort"] = mtls.ToString(CultureInfo.InvariantCulture),
                ["Gateway:TlsCertificatePath"] = TestPki.GatewayCertificate,
                ["Gateway:TlsKeyPath"] = TestPki.GatewayKey,
                ["CertificateAuthority:CertificatePath"] = TestPki.CaCertificate,
                ["Logging:LogLevel:Default"] = "Warning",
            });
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return new TestGateway(app, http, enroll, mtls);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
