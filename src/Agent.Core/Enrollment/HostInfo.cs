using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using RavenXcope.Protocol.Sensors;

namespace RavenXcope.Agent;

/// <summary>Host metadata sent at enrollment (container-aware: host files can be mounted in).</summary>
public sealed record HostInfo(string Hostname, string OsInfo, string Architecture, string AgentVersion, string? SensorIp, IReadOnlyList<InterfaceRequest> Interfaces)
{
    /// <summary>The agent's version.</summary>
    public static string Version => typeof(HostInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>Detects the host's metadata; <paramref name="controlPlane"/> is used to find the outbound address.</summary>
    public static HostInfo Detect(Uri controlPlane)
    {
        var ip = OutboundAddress(controlPlane);
        return new HostInfo(DetectHostname(), DetectOsInfo(), DetectArchitecture(), Version, ip?.ToString(), DetectInterfaces(ip));
    }

    private static string DetectHostname()
    {
        var file = Environment.GetEnvironmentVariable("HOST_HOSTNAME_FILE") ?? "/host-hostname";
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } fromFile)
        {
            return fromFile;
        }

        var name = Dns.GetHostName();
        return string.IsNullOrWhiteSpace(name) ? "unknown" : name;
    }

    private static string DetectOsInfo()
    {
        foreach (var file in new[] { Environment.GetEnvironmentVariable("HOST_OS_RELEASE_FILE") ?? "/host-os-release", "/etc/os-release" })
        {
            if (!File.Exists(file))
            {
                continue;
            }

            foreach (var line in File.ReadLines(file))
            {
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                {
                    return line["PRETTY_NAME=".Length..].Trim('"');
                }
            }
        }

        return RuntimeInformation.OSDescription;
    }

    private static string DetectArchitecture() => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "x86_64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        var other => other.ToString().ToLowerInvariant(),
    };

    // The local address of the route towards the control plane: a UDP "connect" picks the route and
    // sends nothing.
    private static IPAddress? OutboundAddress(Uri controlPlane)
    {
        try
        {
            var target = IPAddress.TryParse(controlPlane.Host, out var literal) ? literal : Dns.GetHostAddresses(controlPlane.Host).FirstOrDefault();
            if (target is null)
            {
                return null;
            }

            using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            socket.Connect(target, controlPlane.Port > 0 ? controlPlane.Port : 443);
            return (socket.LocalEndPoint as IPEndPoint)?.Address;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static List<InterfaceRequest> DetectInterfaces(IPAddress? primary)
    {
        var result = new List<InterfaceRequest>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            long sent = 0, received = 0;
            try
            {
                var stats = nic.GetIPStatistics();
                sent = stats.BytesSent;
                received = stats.BytesReceived;
            }
            catch (NetworkInformationException)
            {
            }

            var name = nic.Name;
            var isManagement = primary is not null && nic.GetIPProperties().UnicastAddresses.Any(a => a.Address.Equals(primary));
            var isVirtual = name.StartsWith("veth", StringComparison.Ordinal) || name.StartsWith("docker", StringComparison.Ordinal)
                || name.StartsWith("br-", StringComparison.Ordinal) || name.StartsWith("virbr", StringComparison.Ordinal)
                || name.StartsWith("tun", StringComparison.Ordinal) || name.StartsWith("tap", StringComparison.Ordinal);
            result.Add(new InterfaceRequest(
                name,
                isManagement,
                nic.NetworkInterfaceType == NetworkInterfaceType.Loopback,
                isVirtual,
                nic.NetworkInterfaceType == NetworkInterfaceType.Wireless80211 || name.StartsWith("wl", StringComparison.Ordinal),
                nic.OperationalStatus == OperationalStatus.Up,
                sent,
                received));
        }

        return result;
    }
}
