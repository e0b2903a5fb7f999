using System.Net;
using RavenXcope.Silo.Trust;

namespace RavenXcope.Tests.Integration;

/// <summary>One CA and gateway certificate for the whole test run, made by the real init-ca code.</summary>
public static class TestPki
{
    private static readonly Lazy<string> LazyDirectory = new(() =>
    {
        var directory = Path.Combine(Path.GetTempPath(), $"rxc-pki-{Guid.NewGuid():N}");
        InitCa.Run(directory, ["localhost"], [IPAddress.Loopback], DateTimeOffset.UtcNow);

        // The run's CA key is not left behind in /tmp: gone when the test process ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A process of the run still holding a file: the directory stays, as it did before.
            }
        };
        return directory;
    });

    /// <summary>Directory holding the files.</summary>
    public static string Directory => LazyDirectory.Value;

    /// <summary>CA certificate.</summary>
    public static string CaCertificate => Path.Combine(Directory, InitCa.CaCertificate);

    /// <summary>CA key (0600).</summary>
    public static string CaKey => Path.Combine(Directory, InitCa.CaKey);

    /// <summary>Gateway certificate.</summary>
    public static string GatewayCertificate => Path.Combine(Directory, InitCa.GatewayCertificate);

    /// <summary>Gateway key (0600).</summary>
    public static string GatewayKey => Path.Combine(Directory, InitCa.GatewayKey);
}
