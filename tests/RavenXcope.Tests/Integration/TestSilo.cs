using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using RavenXcope.Silo.Hosting;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// A real silo, built exactly as ravenxcope-silo builds it (PostgreSQL clustering, storage, reminders,
/// dashboard), running in the test process on free loopback ports.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    /// <summary>Dashboard user of every test silo.</summary>
    public const string DashboardUser = "sre";

    /// <summary>Dashboard password of every test silo.</summary>
    public const string DashboardPassword = "test-dashboard-password-0123";

    /// <summary>The audit HMAC key of every test silo.</summary>
    public static readonly string AuditKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private bool _stopped;

    private TestSilo(WebApplication app, string name, int httpPort)
    {
        App = app;
        Name = name;
        HttpBase = new Uri($"http://127.0.0.1:{httpPort}");
    }

    /// <summary>The silo's host.</summary>
    public WebApplication App { get; }

    /// <summary>The silo's name.</summary>
    public string Name { get; }

    /// <summary>Base address of the silo's HTTP port (health, dashboard).</summary>
    public Uri HttpBase { get; }

    /// <summary>Grain factory of this silo.</summary>
    public IGrainFactory Grains => App.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silo's identity as grains see it (<c>Grain.RuntimeIdentity</c>).</summary>
    public string Identity => App.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();

    /// <summary>Builds and starts a silo against <paramref name="connectionString"/>.</summary>
    public static async Task<TestSilo> StartAsync(string connectionString, string name, IDictionary<string, string?>? settings = null)
    {
        var httpPort = FreePort.Next();
        var values = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = connectionString,
            ["Cluster:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Dashboard:Username"] = DashboardUser,
            ["Dashboard:Password"] = DashboardPassword,
            ["CertificateAuthority:CertificatePath"] = TestPki.CaCertificate,
            ["CertificateAuthority:KeyPath"] = TestPki.CaKey,
            ["Audit:HmacKey"] = AuditKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var app = await SiloApplication.BuildAsync([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(values);
            builder.WebHost.UseUrls($"http://127.0.0.1:{httpPort}");
            builder.Services.Configure<SiloOptions>(o => o.SiloName = name);

            // Production keeps Orleans' one-minute floor; tests tick every second.
            builder.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        await app.StartAsync();
        return new TestSilo(app, name, httpPort);
    }

    /// <summary>Number of active silos this silo knows of.</summary>
    public async Task<int> ActiveSilosAsync() =>
        (await Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count;

    /// <summary>Stops the silo gracefully (it leaves the cluster).</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await App.StopAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await App.DisposeAsync();
    }
}
