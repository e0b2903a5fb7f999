using System.Net.Sockets;

namespace RavenXcope.TestSupport;

/// <summary>A real nats-server on 127.0.0.1, started by a test from a configuration it writes.</summary>
public static class NatsServer
{
    /// <summary>
    /// The nats-server program scripts/test.sh chose (RXC_NATS_SERVER, a 2.10.x it checked); never one found
    /// elsewhere, which could be an older server than the tests are written for.
    /// </summary>
    public static string Program =>
        Environment.GetEnvironmentVariable("RXC_NATS_SERVER") is { Length: > 0 } program
            ? program
            : throw new InvalidOperationException("RXC_NATS_SERVER is not set: run the tests with scripts/test.sh, which finds or installs nats-server 2.10");

    /// <summary>
    /// Starts nats-server in operator mode: <paramref name="operatorFragment"/> is the file made by
    /// <c>ravenxcope-silo init-operator</c>; JetStream stores under <paramref name="directory"/>. With
    /// <paramref name="monitorPort"/>, the monitoring endpoints (<c>/connz</c>, …) listen there.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(string directory, int port, string operatorFragment, int? monitorPort = null)
    {
        var config = Path.Combine(directory, $"nats-{port}.conf");
        var monitoring = monitorPort is { } http ? $"http: 127.0.0.1:{http}" : string.Empty;
        await File.WriteAllTextAsync(config, $$"""
            listen: 127.0.0.1:{{port}}
            {{monitoring}}
            server_name: rxc-test-{{port}}
            jetstream { store_dir: "{{Path.Combine(directory, "js")}}" }
            include "{{Path.GetRelativePath(directory, operatorFragment)}}"
            """);
        var process = ServiceProcess.Start("nats-server", Program, ["-c", config], new Dictionary<string, string>());
        await Eventually.WaitAsync(
            async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"nats-server exited: {process.Output}");
                }

                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return true;
            },
            $"nats-server to listen on {port}",
            TimeSpan.FromSeconds(30));
        return process;
    }
}
