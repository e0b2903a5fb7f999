namespace RavenXcope.Tests.Integration;

/// <summary>
/// The scripts run nats-server 2.10 (from 2.10.27 on) and nothing else: an older or newer one is refused with
/// how to get the right one; this test run's own server and the compose file's image are of that line.
/// </summary>
public sealed class NatsServerVersionTests
{
    [Theory]
    [InlineData("2.9.10")]
    [InlineData("2.10.26")]
    [InlineData("2.12.5")]
    public async Task The_scripts_refuse_a_nats_server_outside_the_2_10_line_and_say_how_to_get_it(string version)
    {
        var program = FakeNatsServer(version);
        var (exit, output) = await RequireNatsServerAsync(program);
        Directory.Delete(Path.GetDirectoryName(program)!, recursive: true);
        Assert.True(exit != 0, output);
        Assert.Contains($"is nats-server {version}", output, StringComparison.Ordinal);
        Assert.Contains("scripts/install-nats-server.sh", output, StringComparison.Ordinal);
        Assert.Contains("apt-get install -t trixie nats-server", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2.10.27")]
    [InlineData("2.10.29")]
    public async Task The_scripts_take_a_2_10_nats_server_from_2_10_27_on(string version)
    {
        var program = FakeNatsServer(version);
        var (exit, output) = await RequireNatsServerAsync(program);
        Directory.Delete(Path.GetDirectoryName(program)!, recursive: true);
        Assert.True(exit == 0, output);
        Assert.Contains($"chosen {program}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_older_nats_server_on_PATH_leads_to_a_private_copy_of_the_right_one_not_to_a_dead_end()
    {
        var old = FakeNatsServer("2.9.10");
        var tools = Directory.CreateTempSubdirectory("rxc-tools-").FullName;
        // The download itself is replaced by a fake that unpacks a 2.10.27 where the real one would.
        var script =
            ". \"$RXC_ROOT/scripts/lib/common.sh\" && " +
            "rxc_install_nats_server() { mkdir -p \"$(dirname \"$(rxc_nats_server_private)\")\" && " +
            "printf '#!/bin/sh\\necho nats-server: v2.10.27\\n' >\"$(rxc_nats_server_private)\" && chmod 755 \"$(rxc_nats_server_private)\"; } && " +
            "rxc_require_nats_server && echo \"chosen $RXC_NATS_SERVER\"";
        var (exit, output) = await ServiceProcess.RunAsync(
            "/bin/bash",
            ["-c", script],
            new Dictionary<string, string>
            {
                ["RXC_ROOT"] = ServiceProcess.RepositoryRoot,
                ["RXC_NATS_SERVER"] = string.Empty,
                ["RXC_TOOLS_DIR"] = tools,
                ["PATH"] = $"{Path.GetDirectoryName(old)}:/usr/bin:/bin",
            });
        Directory.Delete(Path.GetDirectoryName(old)!, recursive: true);
        Directory.Delete(tools, recursive: true);
        Assert.True(exit == 0, output);
        Assert.Contains("is nats-server 2.9.10", output, StringComparison.Ordinal);
        Assert.Contains($"chosen {tools}/", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_tests_run_nats_server_2_10_27_or_a_later_2_10()
    {
        var (exit, output) = await ServiceProcess.RunAsync(NatsServer.Program, ["--version"], new Dictionary<string, string>());
        Assert.Equal(0, exit);
        var version = Version.Parse(output.Trim().Replace("nats-server: v", string.Empty, StringComparison.Ordinal));
        Assert.True(version.Major == 2 && version.Minor == 10 && version.Build >= 27, output);
    }

    [Fact]
    public async Task The_compose_file_pins_a_2_10_nats_image()
    {
        var (exit, config) = await ComposeTests.ConfigAsync(ComposeTests.Settings);
        Assert.True(exit == 0, config);
        Assert.Contains("image: nats:2.10.27", config, StringComparison.Ordinal);
    }

    private static Task<(int ExitCode, string Output)> RequireNatsServerAsync(string program) =>
        ServiceProcess.RunAsync(
            "/bin/bash",
            ["-c", ". \"$RXC_ROOT/scripts/lib/common.sh\" && rxc_require_nats_server && echo \"chosen $RXC_NATS_SERVER\""],
            new Dictionary<string, string>
            {
                ["RXC_ROOT"] = ServiceProcess.RepositoryRoot,
                ["RXC_NATS_SERVER"] = program,
                ["RXC_TOOLS_DIR"] = Path.Combine(Path.GetTempPath(), "rxc-no-tools"),
            });

    // A program that answers --version as nats-server does, and nothing else.
    private static string FakeNatsServer(string version)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("rxc-fake-nats-").FullName, "nats-server");
        File.WriteAllText(path, $"#!/bin/sh\necho 'nats-server: v{version}'\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }
}
