using System.Text.Json;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// docker-compose.yml as Debian's docker-compose resolves it (offline: no engine needed), read back as data: valid,
/// every secret required, sensors handed a NATS URL they can reach, the operator API not published on every interface,
/// the admin key kept on a volume, every long-running service with a health check, the silo image built once.
/// </summary>
public sealed class ComposeTests
{
    /// <summary>The settings an operator puts in .env, with placeholder values.</summary>
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["PUBLIC_HOST"] = "control.example.com",
        ["ACCOUNT_SEED_ENCRYPTION_KEY"] = Convert.ToBase64String(new byte[32]),
        ["AUDIT_HMAC_KEY"] = Convert.ToBase64String(new byte[32]),
        ["DASHBOARD_PASSWORD"] = "compose-dashboard-password",
    };

    private static string ComposeFile => Path.Combine(ServiceProcess.RepositoryRoot, "docker-compose.yml");

    private static string DockerCompose =>
        new[] { "/usr/bin/docker-compose", "/usr/local/bin/docker-compose" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("docker-compose is not installed: run scripts/test.sh, which installs it (apt-get install docker-compose)");

    /// <summary><c>docker-compose config</c> with <paramref name="settings"/>: its exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> ConfigAsync(IReadOnlyDictionary<string, string> settings, params string[] arguments) =>
        ServiceProcess.RunAsync(DockerCompose, ["-f", ComposeFile, "config", .. arguments], new Dictionary<string, string>(settings));

    [Fact]
    public async Task The_compose_file_validates_and_names_every_service_and_its_Dockerfile()
    {
        var (exit, output) = await ConfigAsync(Settings, "--services");
        Assert.True(exit == 0, output);
        Assert.Equal(
            new[] { "gateway", "init", "nats", "postgres", "silo1", "silo2" },
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal));

        var services = (await ResolvedAsync(Settings)).GetProperty("services");
        Assert.Equal("deploy/docker/gateway.Dockerfile", services.GetProperty("gateway").GetProperty("build").GetProperty("dockerfile").GetString());
        foreach (var dockerfile in new[] { "silo", "gateway", "sensor" })
        {
            Assert.True(File.Exists(Path.Combine(ServiceProcess.RepositoryRoot, $"deploy/docker/{dockerfile}.Dockerfile")), dockerfile);
        }
    }

    [Theory]
    [InlineData("ACCOUNT_SEED_ENCRYPTION_KEY")]
    [InlineData("AUDIT_HMAC_KEY")]
    [InlineData("DASHBOARD_PASSWORD")]
    [InlineData("PUBLIC_HOST")]
    public async Task A_missing_secret_or_public_host_is_refused_with_its_name(string name)
    {
        var settings = new Dictionary<string, string>(Settings) { [name] = string.Empty };
        var (exit, output) = await ConfigAsync(settings);
        Assert.NotEqual(0, exit);

        // The message ends with the reason (before it docker-compose prints the whole environment it interpolated).
        var reason = output.Trim()[(output.Trim().LastIndexOf("\": ", StringComparison.Ordinal) + 3)..];
        Assert.StartsWith($"set {name} (", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sensors_get_the_public_NATS_URL_and_a_gateway_certificate_for_the_public_host()
    {
        var services = (await ResolvedAsync(Settings)).GetProperty("services");
        foreach (var silo in new[] { "silo1", "silo2" })
        {
            var environment = services.GetProperty(silo).GetProperty("environment");
            Assert.Equal("nats://control.example.com:4222", environment.GetProperty("NATS_PUBLIC_URL").GetString());
            Assert.Equal("nats://nats:4222", environment.GetProperty("NATS_URL").GetString());
            Assert.Equal(Settings["AUDIT_HMAC_KEY"], environment.GetProperty("AUDIT_HMAC_KEY").GetString());
        }

        var init = services.GetProperty("init");
        Assert.Equal("control.example.com", init.GetProperty("environment").GetProperty("PUBLIC_HOST").GetString());
        var script = string.Join('\n', init.GetProperty("command").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains("--server-name $$PUBLIC_HOST", script, StringComparison.Ordinal);
        Assert.Contains("--server-ip $$PUBLIC_HOST", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_operator_API_is_published_on_loopback_only_unless_the_operator_says_otherwise()
    {
        var services = (await ResolvedAsync(Settings)).GetProperty("services");
        Assert.All(Published(services, "gateway", 8080), address => Assert.Equal("127.0.0.1", address));

        // Sensors need the enrollment and mTLS ports and NATS from outside.
        Assert.All(Published(services, "gateway", 8443), address => Assert.Equal("0.0.0.0", address));
        Assert.All(Published(services, "gateway", 8444), address => Assert.Equal("0.0.0.0", address));
        Assert.All(Published(services, "nats", 4222), address => Assert.Equal("0.0.0.0", address));
        Assert.All(Published(services, "silo1", 8090), address => Assert.Equal("127.0.0.1", address));

        var open = new Dictionary<string, string>(Settings) { ["OPERATOR_API_BIND"] = "0.0.0.0" };
        Assert.All(Published((await ResolvedAsync(open)).GetProperty("services"), "gateway", 8080), address => Assert.Equal("0.0.0.0", address));
    }

    [Fact]
    public async Task The_admin_key_is_kept_on_the_secrets_volume_every_service_has_a_health_check_and_the_silo_image_is_built_once()
    {
        var resolved = await ResolvedAsync(Settings);
        var services = resolved.GetProperty("services");
        var init = services.GetProperty("init");
        var script = string.Join('\n', init.GetProperty("command").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains("> /secrets/admin-api-key.new", script, StringComparison.Ordinal);

        // /secrets is the named volume (kept by 'down', removed only by 'down -v'), not a path inside the container.
        Assert.Contains(init.GetProperty("volumes").EnumerateArray(), v => v.GetString()!.StartsWith("secrets:/secrets", StringComparison.Ordinal));
        Assert.True(resolved.GetProperty("volumes").TryGetProperty("secrets", out _), "no named volume 'secrets'");

        var nats = services.GetProperty("nats");
        Assert.Contains("healthz", nats.GetProperty("healthcheck").GetProperty("test").ToString(), StringComparison.Ordinal);
        Assert.StartsWith("nats:2.10.", nats.GetProperty("image").GetString(), StringComparison.Ordinal);
        Assert.True(services.GetProperty("postgres").TryGetProperty("healthcheck", out _));

        // One build of the silo image (by init, which runs first); the silos run it and never pull it.
        var builders = services.EnumerateObject().Where(s => s.Value.TryGetProperty("build", out var build) && build.GetProperty("dockerfile").GetString() == "deploy/docker/silo.Dockerfile").Select(s => s.Name).ToList();
        Assert.Equal(new[] { "init" }, builders);
        foreach (var silo in new[] { "silo1", "silo2" })
        {
            Assert.Equal(init.GetProperty("image").GetString(), services.GetProperty(silo).GetProperty("image").GetString());
            Assert.Equal("never", services.GetProperty(silo).GetProperty("pull_policy").GetString());
        }
    }

    // The resolved file as JSON (PyYAML, which docker-compose itself runs on, turns its YAML into JSON).
    private static async Task<JsonElement> ResolvedAsync(IReadOnlyDictionary<string, string> settings)
    {
        var (exit, yaml) = await ConfigAsync(settings);
        Assert.True(exit == 0, yaml);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, yaml);
            var (convertExit, json) = await ServiceProcess.RunAsync(
                "/usr/bin/python3", ["-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))", file], new Dictionary<string, string>());
            Assert.True(convertExit == 0, json);
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        finally
        {
            File.Delete(file);
        }
    }

    // The host addresses a service's container port is published on ("0.0.0.0" when every interface).
    private static List<string> Published(JsonElement services, string service, int port)
    {
        var ports = services.GetProperty(service).GetProperty("ports").EnumerateArray();
        var addresses = new List<string>();
        foreach (var mapping in ports)
        {
            if (mapping.ValueKind == JsonValueKind.String)
            {
                // "[ip:]published:target[/protocol]"
                var parts = mapping.GetString()!.Split('/')[0].Split(':');
                if (parts[^1] == port.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    addresses.Add(parts.Length == 3 ? parts[0] : "0.0.0.0");
                }
            }
            else if (mapping.GetProperty("target").GetInt32() == port)
            {
                addresses.Add(mapping.TryGetProperty("host_ip", out var ip) ? ip.GetString()! : "0.0.0.0");
            }
        }

        Assert.True(addresses.Count > 0, $"{service} does not publish port {port}");
        return addresses;
    }
}
