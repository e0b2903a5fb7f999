using System.Net;
using System.Net.Sockets;

namespace RavenXcope.TestSupport;

/// <summary>Free TCP ports on 127.0.0.1, chosen by the operating system.</summary>
public static class FreePort
{
    /// <summary>A port nothing listens on right now.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
