using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using RavenXcope.Grains.Nats;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// The programs as an operator runs them: <c>ravenxcope-silo migrate</c>, <c>init-ca</c>, <c>init-operator</c>,
/// <c>create-api-key</c>, then the silo and gateway as processes, and nats-server when asked for.
/// </summary>
public sealed class ProcessStack : IAsyncDisposable
{
    private readonly List<ServiceProcess> _processes = [];
    private int _natsPort;

    private ProcessStack(PostgresDatabase database, string work)
    {
        Database = database;
        Work = work;
    }

    /// <summary>The database.</summary>
    public PostgresDatabase Database { get; }

    /// <summary>Temporary folder of the run.</summary>
    public string Work { get; }

    /// <summary>The CA certificate agents trust.</summary>
    public string CaFile => Path.Combine(Work, "pki", "ca.cert.pem");

    /// <summary>The environment the silo and gateway run with.</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>The operator API, with an admin key.</summary>
    public HttpClient Api { get; } = new();

    /// <summary>The enrollment URL.</summary>
    public string EnrollUrl { get; private set; } = string.Empty;

    /// <summary>The mTLS sensor API URL.</summary>
    public string SensorUrl { get; private set; } = string.Empty;

    /// <summary>The admin API key the stack made.</summary>
    public string AdminKey { get; private set; } = string.Empty;

    /// <summary>The silo's health endpoint.</summary>
    public string SiloHealthUrl { get; private set; } = string.Empty;

    /// <summary>The NATS URL (when the stack has nats-server).</summary>
    public string NatsUrl => $"nats://127.0.0.1:{_natsPort}";

    /// <summary>The silo process.</summary>
    public ServiceProcess Silo { get; private set; } = null!;

    /// <summary>The nats-server process, when the stack has one.</summary>
    public ServiceProcess? Nats { get; private set; }

    /// <summary>The gateway process.</summary>
    public ServiceProcess Gateway { get; private set; } = null!;

    /// <summary>The ravenxcope-sensor program.</summary>
    public static string Agent => ServiceProcess.Program("SensorAgent", "ravenxcope-sensor");

    /// <summary>Sets up and starts silo and gateway (and nats-server with <paramref name="withNats"/>).</summary>
    public static async Task<ProcessStack> StartAsync(string name, bool withNats, IDictionary<string, string>? settings = null)
    {
        var stack = new ProcessStack(await PostgresDatabase.CreateAsync(name), Directory.CreateTempSubdirectory($"rxc-{name}-").FullName);
        try
        {
            await stack.StartAsync(withNats, settings);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a process that the stack stops at the end.</summary>
    public ServiceProcess Start(string name, string program, IEnumerable<string> arguments, IDictionary<string, string> environment)
    {
        var process = ServiceProcess.Start(name, program, arguments, environment);
        _processes.Add(process);
        return process;
    }

    /// <summary>Stops a process early (an outage) and forgets it.</summary>
    public async Task StopAsync(ServiceProcess process)
    {
        _processes.Remove(process);
        await process.DisposeAsync();
    }

    /// <summary>Starts the silo again after <see cref="StopAsync"/> (same database, ports and keys).</summary>
    public async Task<ServiceProcess> StartSiloAsync()
    {
        Silo = Start("silo", ServiceProcess.Program("Silo", "ravenxcope-silo"), [], Environment);
        await WaitHealthyAsync(new Uri(SiloHealthUrl), Silo);
        return Silo;
    }

    /// <summary>The HTTP base (health, metrics) of each silo started by <see cref="StartSecondSiloAsync"/>.</summary>
    public Dictionary<ServiceProcess, string> SecondSiloUrls { get; } = [];

    /// <summary>Starts another silo of the same cluster (same database, its own ports).</summary>
    public async Task<ServiceProcess> StartSecondSiloAsync()
    {
        var environment = new Dictionary<string, string>(Environment)
        {
            ["SILO_PORT"] = Port(FreePort.Next()),
            ["SILO_GATEWAY_PORT"] = Port(FreePort.Next()),
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort.Next()}",
        };
        var second = Start("silo-2", ServiceProcess.Program("Silo", "ravenxcope-silo"), [], environment);
        SecondSiloUrls[second] = environment["ASPNETCORE_URLS"];
        await WaitHealthyAsync(new Uri(environment["ASPNETCORE_URLS"] + "/healthz"), second);
        return second;
    }

    /// <summary>Starts the gateway again after <see cref="StopAsync"/>.</summary>
    public async Task<ServiceProcess> StartGatewayAsync()
    {
        Gateway = Start("gateway", ServiceProcess.Program("Gateway", "ravenxcope-gateway"), [], Environment);
        await WaitHealthyAsync(new Uri(Api.BaseAddress!, "/healthz"), Gateway);
        return Gateway;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            await _processes[i].DisposeAsync();
        }

        Api.Dispose();
        await Database.DisposeAsync();
        Directory.Delete(Work, recursive: true);
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static async Task WaitHealthyAsync(Uri url, ServiceProcess process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        await Eventually.WaitAsync(
            async () => !process.HasExited && (await http.GetAsync(url)).IsSuccessStatusCode,
            $"{process.Name} to become healthy (output so far:\n{process.Output})",
            TimeSpan.FromSeconds(90));
    }

    private async Task StartAsync(bool withNats, IDictionary<string, string>? settings)
    {
        var silo = ServiceProcess.Program("Silo", "ravenxcope-silo");
        int siloHttp = FreePort.Next(), http = FreePort.Next(), enroll = FreePort.Next(), mtls = FreePort.Next(), natsPort = FreePort.Next();
        var pki = Path.Combine(Work, "pki");
        var natsDir = Path.Combine(Work, "nats");
        Environment["PG_DSN"] = Database.ConnectionString;
        Environment["SILO_PORT"] = Port(FreePort.Next());
        Environment["SILO_GATEWAY_PORT"] = Port(FreePort.Next());
        Environment["DASHBOARD_USER"] = TestSilo.DashboardUser;
        Environment["DASHBOARD_PASSWORD"] = TestSilo.DashboardPassword;
        Environment["CA_CERT_FILE"] = Path.Combine(pki, "ca.cert.pem");
        Environment["CA_KEY_FILE"] = Path.Combine(pki, "ca.key.pem");
        Environment["GATEWAY_TLS_CERT_FILE"] = Path.Combine(pki, "gateway.cert.pem");
        Environment["GATEWAY_TLS_KEY_FILE"] = Path.Combine(pki, "gateway.key.pem");
        Environment["GATEWAY_HTTP_PORT"] = Port(http);
        Environment["GATEWAY_ENROLL_PORT"] = Port(enroll);
        Environment["GATEWAY_MTLS_PORT"] = Port(mtls);
        Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{siloHttp}";
        Environment["Trust__HeartbeatIntervalSeconds"] = "1";
        Environment["AUDIT_HMAC_KEY"] = TestSilo.AuditKey;
        if (withNats)
        {
            Environment["NATS_URL"] = $"nats://127.0.0.1:{natsPort}";
            Environment["OPERATOR_SEED_PATH"] = Path.Combine(natsDir, OperatorFiles.OperatorSeed);
            Environment["ACCOUNT_SEED_ENCRYPTION_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            Environment[key] = value;
        }

        EnrollUrl = $"https://127.0.0.1:{enroll}";
        SensorUrl = $"https://127.0.0.1:{mtls}";
        _natsPort = natsPort;
        Api.BaseAddress = new Uri($"http://127.0.0.1:{http}");

        await Run(silo, "migrate");
        await Run(silo, "init-ca", "--dir", pki);
        if (withNats)
        {
            await Run(silo, "init-operator", "--dir", natsDir, "--resolver-url", $"http://127.0.0.1:{http}/jwt/v1/accounts/");
        }

        AdminKey = (await Run(silo, "create-api-key", "--role", "admin")).Trim();
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);

        Silo = Start("silo", silo, [], Environment);
        SiloHealthUrl = $"http://127.0.0.1:{siloHttp}/healthz";
        await WaitHealthyAsync(new Uri(SiloHealthUrl), Silo);
        await StartGatewayAsync();
        if (withNats)
        {
            await StartNatsAsync();
        }
    }

    /// <summary>Stops nats-server and starts it again on the same port and store (an outage and a recovery).</summary>
    public async Task RestartNatsAsync()
    {
        await StopNatsAsync();
        await StartNatsAsync();
    }

    /// <summary>Creates tenant <paramref name="tenantId"/> and waits until its NATS account is provisioned.</summary>
    public async Task CreateProvisionedTenantAsync(string tenantId)
    {
        Assert.Equal(System.Net.HttpStatusCode.Created, (await Api.PostAsJsonAsync("/api/v1/tenants", new { tenantId, name = tenantId })).StatusCode);
        await Eventually.WaitAsync(
            async () => (await (await Api.GetAsync(new Uri($"/api/v1/tenants/{tenantId}", UriKind.Relative))).JsonAsync()).GetProperty("natsAccount").GetProperty("status").GetString(),
            s => s == "provisioned",
            $"tenant {tenantId}'s NATS account");
    }

    /// <summary>Registers a sensor, enrolls it with the real agent as the join command says (URL and code only) into a state directory of its own, and returns that directory.</summary>
    public async Task<string> EnrolledSensorAsync(string tenantId, string sensorId)
    {
        Assert.Equal(System.Net.HttpStatusCode.Created, (await Api.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/sensors", new { sensorId, name = sensorId })).StatusCode);
        using var codeResponse = await Api.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/sensors/{sensorId}/claim-codes", new { });
        var code = (await codeResponse.JsonAsync()).GetProperty("claimCode").GetString()!;
        var stateDir = Path.Combine(Work, $"sensor-{tenantId}-{sensorId}");
        var (exit, output) = await ServiceProcess.RunAsync(Agent, ["enroll", "--url", EnrollUrl, "--code", code, "--state-dir", stateDir], new Dictionary<string, string>());
        Assert.True(exit == 0, output);
        return stateDir;
    }

    /// <summary>
    /// Runs the agent of <paramref name="stateDir"/> supervising the real Suricata on lo (a setting of its own in the
    /// stack's folder: rules, logs, command socket, a BPF filter on one UDP port).
    /// </summary>
    public ServiceProcess RunAgent(string name, string stateDir) =>
        RunAgent(name, stateDir, Suricata.RealSuricata.In(Path.Combine(Work, $"suricata-{name}")));

    /// <summary>Runs the agent of <paramref name="stateDir"/> supervising <paramref name="suricata"/> (with <paramref name="config"/> instead of its own, when given).</summary>
    public ServiceProcess RunAgent(string name, string stateDir, Suricata.RealSuricata suricata, string? config = null) =>
        Start(name, Agent, ["run", "--state-dir", stateDir, "--status-interval", "1", .. suricata.RunArguments(config)], new Dictionary<string, string>());


    /// <summary>Stops nats-server (an outage); <see cref="StartNatsAsync"/> brings it back on the same port and store.</summary>
    public async Task StopNatsAsync()
    {
        if (Nats is { } running)
        {
            Nats = null;
            await StopAsync(running);
        }
    }

    /// <summary>Starts nats-server on the stack's port and store.</summary>
    public async Task StartNatsAsync()
    {
        var natsDir = Path.Combine(Work, "nats");
        Nats = await NatsServer.StartAsync(natsDir, _natsPort, Path.Combine(natsDir, OperatorFiles.ServerConfig));
        _processes.Add(Nats);
    }

    private async Task<string> Run(string program, params string[] arguments)
    {
        var (exit, output) = await ServiceProcess.RunAsync(program, arguments, Environment);
        Assert.True(exit == 0, $"{Path.GetFileName(program)} {arguments[0]} failed: {output}");
        return output;
    }
}
