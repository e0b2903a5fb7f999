using System.Globalization;
using System.Net.Sockets;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// scripts/up.sh and scripts/down.sh on a private data directory and free ports, with the programs of this
/// test run (<c>--no-build</c>): a second up.sh checks every part and restarts the ones that are down.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LocalStackTests
{
    private static readonly string[] PortVariables =
    [
        "RXC_PG_PORT", "RXC_GATEWAY_PORT", "RXC_ENROLL_PORT", "RXC_MTLS_PORT", "RXC_NATS_PORT", "RXC_SILO_HTTP_PORT", "RXC_SILO_PORT", "RXC_SILO_GATEWAY_PORT",
    ];

    [Fact]
    public async Task Up_starts_again_the_parts_that_are_down_even_while_the_silo_runs_and_down_stops_everything()
    {
        var data = Directory.CreateTempSubdirectory("rxc-up-");
        // PostgreSQL runs as the postgres user when the tests run as root: it must be able to enter the folder.
        File.SetUnixFileMode(data.FullName, (UnixFileMode)0b111_101_101);
        var bin = Directory.CreateDirectory(Path.Combine(data.FullName, "bin"));
        Directory.CreateSymbolicLink(Path.Combine(bin.FullName, "silo"), Path.GetDirectoryName(ServiceProcess.Program("Silo", "ravenxcope-silo"))!);
        Directory.CreateSymbolicLink(Path.Combine(bin.FullName, "gateway"), Path.GetDirectoryName(ServiceProcess.Program("Gateway", "ravenxcope-gateway"))!);
        var environment = new Dictionary<string, string> { ["RXC_DATA"] = data.FullName };
        foreach (var name in PortVariables)
        {
            environment[name] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        }

        var pgPort = int.Parse(environment["RXC_PG_PORT"], CultureInfo.InvariantCulture);
        var natsPort = int.Parse(environment["RXC_NATS_PORT"], CultureInfo.InvariantCulture);
        try
        {
            var first = await UpAsync(environment);
            Assert.Contains("RavenXcope is running", first, StringComparison.Ordinal);
            Assert.True(await AnswersAsync(pgPort), "PostgreSQL does not answer after the first up.sh");
            Assert.True(await NatsGreetsAsync(natsPort), "nats-server does not answer after the first up.sh");

            // PostgreSQL stopped as pg_ctl -m fast does (SIGINT to the postmaster), nats-server killed; the silo stays up.
            var pgData = (await File.ReadAllTextAsync(Path.Combine(data.FullName, "pg-data-path"))).Trim();
            var postmaster = int.Parse((await File.ReadAllLinesAsync(Path.Combine(pgData, "postmaster.pid")))[0], CultureInfo.InvariantCulture);
            var nats = int.Parse((await File.ReadAllTextAsync(Path.Combine(data.FullName, "run", "nats.pid"))).Trim(), CultureInfo.InvariantCulture);
            var silo = int.Parse((await File.ReadAllTextAsync(Path.Combine(data.FullName, "run", "silo.pid"))).Trim(), CultureInfo.InvariantCulture);
            Processes.Signal(postmaster, "INT");
            Processes.Signal(nats, "KILL");
            await Eventually.WaitAsync(() => Task.FromResult(!Processes.Alive(postmaster) && !Processes.Alive(nats)), "PostgreSQL and nats-server to stop", TimeSpan.FromSeconds(60));
            Assert.True(Processes.Alive(silo), "the silo should still run, so that up.sh meets a stack that is only partly down");

            var second = await UpAsync(environment);
            Assert.DoesNotContain("already running", second, StringComparison.Ordinal);
            Assert.Contains("PostgreSQL: stopped", second, StringComparison.Ordinal);
            Assert.Contains("nats-server: stopped", second, StringComparison.Ordinal);
            Assert.Contains("starting PostgreSQL", second, StringComparison.Ordinal);
            Assert.Contains("starting nats-server", second, StringComparison.Ordinal);
            Assert.Contains("RavenXcope is running", second, StringComparison.Ordinal);
            Assert.True(await AnswersAsync(pgPort), "PostgreSQL does not answer after the second up.sh");
            Assert.True(await NatsGreetsAsync(natsPort), "nats-server does not answer after the second up.sh");

            var third = await UpAsync(environment);
            Assert.Contains("already running and every part is healthy", third, StringComparison.Ordinal);
        }
        finally
        {
            var (downExit, downOutput) = await ServiceProcess.RunAsync(Script("down.sh"), [], environment, TimeSpan.FromMinutes(2));
            var left = Directory.Exists(Path.Combine(data.FullName, "run"))
                ? Directory.GetFiles(Path.Combine(data.FullName, "run"), "*.pid").Where(f => Processes.Alive(int.Parse(File.ReadAllText(f).Trim(), CultureInfo.InvariantCulture))).ToList()
                : [];
            data.Delete(recursive: true);
            Assert.True(downExit == 0, downOutput);
            Assert.Empty(left);
        }

        Assert.False(await AnswersAsync(pgPort), "PostgreSQL still answers after down.sh");
    }

    private static string Script(string name) => Path.Combine(ServiceProcess.RepositoryRoot, "scripts", name);

    private static async Task<string> UpAsync(Dictionary<string, string> environment)
    {
        var (exit, output) = await ServiceProcess.RunAsync(Script("up.sh"), ["--detach", "--no-build"], environment, TimeSpan.FromMinutes(4));
        Assert.True(exit == 0, $"up.sh failed ({exit}):\n{output}");
        return output;
    }

    private static async Task<bool> AnswersAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<bool> NatsGreetsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            var buffer = new byte[4];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.GetStream().ReadExactlyAsync(buffer, timeout.Token);
            return System.Text.Encoding.ASCII.GetString(buffer) == "INFO";
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }
}
