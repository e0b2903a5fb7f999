namespace RavenXcope.Tests.Integration;

/// <summary>docker-compose.yml stays valid (checked offline by Debian's docker-compose; no engine needed).</summary>
public sealed class ComposeTests
{
    private static string ComposeFile => Path.Combine(ServiceProcess.RepositoryRoot, "docker-compose.yml");

    private static string DockerCompose =>
        new[] { "/usr/bin/docker-compose", "/usr/local/bin/docker-compose" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("docker-compose is not installed: run scripts/test.sh, which installs it (apt-get install docker-compose)");

    [Fact]
    public async Task The_compose_file_validates_and_names_every_service_and_its_Dockerfile()
    {
        var environment = new Dictionary<string, string>
        {
            ["ACCOUNT_SEED_ENCRYPTION_KEY"] = Convert.ToBase64String(new byte[32]),
            ["DASHBOARD_PASSWORD"] = "compose-dashboard-password",
        };
        var (exit, output) = await ServiceProcess.RunAsync(DockerCompose, ["-f", ComposeFile, "config", "--services"], environment);
        Assert.True(exit == 0, output);
        Assert.Equal(
            new[] { "gateway", "init", "nats", "postgres", "silo1", "silo2" },
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal));

        var (configExit, config) = await ServiceProcess.RunAsync(DockerCompose, ["-f", ComposeFile, "config"], environment);
        Assert.True(configExit == 0, config);
        foreach (var dockerfile in new[] { "deploy/docker/silo.Dockerfile", "deploy/docker/gateway.Dockerfile" })
        {
            Assert.Contains(dockerfile, config, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(ServiceProcess.RepositoryRoot, dockerfile)), dockerfile);
        }

        Assert.True(File.Exists(Path.Combine(ServiceProcess.RepositoryRoot, "deploy/docker/sensor.Dockerfile")));
    }

    [Fact]
    public async Task A_missing_secret_is_refused_with_its_name()
    {
        var (exit, output) = await ServiceProcess.RunAsync(DockerCompose, ["-f", ComposeFile, "config"], new Dictionary<string, string> { ["DASHBOARD_PASSWORD"] = "compose-dashboard-password", ["ACCOUNT_SEED_ENCRYPTION_KEY"] = string.Empty });
        Assert.NotEqual(0, exit);
        Assert.Contains("ACCOUNT_SEED_ENCRYPTION_KEY", output, StringComparison.Ordinal);
    }
}
