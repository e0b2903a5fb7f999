using System.Security.Cryptography;
using RavenXcope.Grains;
using RavenXcope.Grains.Model;
using RavenXcope.Grains.Nats;
using RavenXcope.Infrastructure.Postgres;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// PostgreSQL, a silo with the control bus on, a gateway serving the account resolver, and a real
/// nats-server in operator mode (started now, or later by the test); tenant "acme" is created.
/// </summary>
public sealed class NatsStack : IAsyncDisposable
{
    /// <summary>Shared secret of the provisioner-compatible routes.</summary>
    public const string SharedSecret = "backend-shared-secret-for-tests";

    private NatsStack(PostgresDatabase database, TestSilo silo, TestGateway gateway, string work, int natsPort)
    {
        MonitorPort = FreePort.Next();
        Database = database;
        Silo = silo;
        Gateway = gateway;
        Work = work;
        NatsPort = natsPort;
    }

    /// <summary>The database.</summary>
    public PostgresDatabase Database { get; }

    /// <summary>The silo.</summary>
    public TestSilo Silo { get; }

    /// <summary>The gateway.</summary>
    public TestGateway Gateway { get; }

    /// <summary>nats-server, once started.</summary>
    public ServiceProcess? Nats { get; private set; }

    /// <summary>The stack's temporary folder (operator files, JetStream store).</summary>
    public string Work { get; }

    /// <summary>nats-server's port.</summary>
    public int NatsPort { get; }

    /// <summary>nats-server's monitoring port (<c>/connz</c>, <c>/varz</c>).</summary>
    public int MonitorPort { get; }

    /// <summary>The tenant every test uses.</summary>
    public ITenantGrain Tenant => Silo.Grains.GetGrain<ITenantGrain>(Identifiers.TenantKey("acme"));

    /// <summary>Starts the stack; with <paramref name="startNats"/>, also nats-server, and waits for "acme" to be provisioned.</summary>
    public static async Task<NatsStack> StartAsync(string name, bool startNats = true)
    {
        var db = await PostgresDatabase.CreateAsync(name);
        await new SchemaMigrator(db.ConnectionString).MigrateAsync();
        var work = Directory.CreateTempSubdirectory("rxc-nats-").FullName;
        var gatewayPort = FreePort.Next();
        var natsPort = FreePort.Next();
        OperatorFiles.Create(work, $"http://127.0.0.1:{gatewayPort}/jwt/v1/accounts/", DateTimeOffset.UtcNow);
        var silo = await TestSilo.StartAsync(db.ConnectionString, $"silo-{name}", new Dictionary<string, string?>
        {
            ["Nats:Url"] = $"nats://127.0.0.1:{natsPort}",
            ["Nats:OperatorSeedPath"] = Path.Combine(work, OperatorFiles.OperatorSeed),
            ["Nats:AccountSeedEncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Nats:ReconcileSeconds"] = "2",
        });
        var gateway = await TestGateway.StartAsync(db.ConnectionString, gatewayPort, new Dictionary<string, string?> { ["Provisioner:SharedSecret"] = SharedSecret });
        var stack = new NatsStack(db, silo, gateway, work, natsPort);
        await stack.Tenant.CreateAsync("Acme");
        if (startNats)
        {
            await stack.StartNatsAsync();
            await Eventually.WaitAsync(() => stack.Tenant.GetAsync(), t => t?.AccountStatus == NatsAccountStatus.Provisioned, $"provisioning (nats-server:\n{stack.Nats!.Output})", TimeSpan.FromSeconds(30));
        }

        return stack;
    }

    /// <summary>Starts nats-server with the operator fragment init-operator wrote.</summary>
    public async Task StartNatsAsync()
    {
        // nats-server exits when the resolver does not answer within its own short deadline: the gateway answers once
        // before, so that its first request (connections, JIT) is not the one nats-server waits for.
        using (var http = new HttpClient { BaseAddress = Gateway.HttpBase })
        {
            await Eventually.WaitAsync(async () => (await http.GetAsync(new Uri("/jwt/v1/accounts/", UriKind.Relative))).IsSuccessStatusCode, "the account resolver to answer");
        }

        Nats = await NatsServer.StartAsync(Work, NatsPort, Path.Combine(Work, OperatorFiles.ServerConfig), MonitorPort);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Nats is not null)
        {
            await Nats.DisposeAsync();
        }

        await Gateway.DisposeAsync();
        await Silo.DisposeAsync();
        await Database.DisposeAsync();
        Directory.Delete(Work, recursive: true);
    }
}
