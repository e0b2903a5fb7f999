using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace RavenXcope.TestSupport;

/// <summary>Free TCP ports on 127.0.0.1 for servers the tests start.</summary>
/// <remarks>
/// Chosen below the kernel's ephemeral range: a port the system hands out for port 0 comes from that range,
/// and between the choice and the child process's bind an outgoing connection (the fleet test opens
/// thousands) may take it as its local port. A port is never handed out twice in one test run.
/// </remarks>
public static class FreePort
{
    private static readonly ConcurrentDictionary<int, bool> Given = new();
    private static readonly int Low = 10_000;
    private static readonly int High = EphemeralLow() - 1;

    /// <summary>A port nothing listens on right now and no earlier call returned.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var port = Random.Shared.Next(Low, High + 1);
            if (!Given.TryAdd(port, true))
            {
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use: try another.
            }
        }

        throw new InvalidOperationException($"no free TCP port between {Low} and {High} on 127.0.0.1 after 500 attempts");
    }

    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.TryParse(range[0], out var low) && low > 12_000 ? low : 32_768;
        }
        catch (IOException)
        {
            return 32_768;
        }
    }
}
