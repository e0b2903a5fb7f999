using System.Net;
using RavenXcope.Grains.Certificates;
using RavenXcope.Common;

namespace RavenXcope.Silo.Trust;

/// <summary>
/// <c>ravenxcope-silo init-ca</c>: creates the CA (key mode 0600) and the gateway's TLS server
/// certificate in one directory. Existing files are kept, so running it again is harmless.
/// </summary>
public static class InitCa
{
    /// <summary>File names inside the directory.</summary>
    public const string CaCertificate = "ca.cert.pem", CaKey = "ca.key.pem", GatewayCertificate = "gateway.cert.pem", GatewayKey = "gateway.key.pem";

    /// <summary>Creates what is missing; returns lines describing what it did.</summary>
    public static IReadOnlyList<string> Run(string directory, IReadOnlyList<string> serverNames, IReadOnlyList<IPAddress> serverAddresses, DateTimeOffset now)
    {
        Directory.CreateDirectory(directory);
        var report = new List<string>();
        var caCert = Path.Combine(directory, CaCertificate);
        var caKey = Path.Combine(directory, CaKey);
        CertificateAuthority authority;
        if (File.Exists(caCert) && File.Exists(caKey))
        {
            authority = CertificateAuthority.Load(caCert, caKey);
            report.Add($"kept the existing CA {caCert}");
        }
        else if (File.Exists(caCert) || File.Exists(caKey))
        {
            throw new IOException($"only one of {caCert} and {caKey} exists; restore the other or remove both");
        }
        else
        {
            authority = CertificateAuthority.CreateNew("RavenXcope CA", now);
            authority.WriteFiles(caCert, caKey);
            report.Add($"created the CA: {caCert}, key {caKey} (mode 0600)");
        }

        using (authority)
        {
            var gatewayCert = Path.Combine(directory, GatewayCertificate);
            var gatewayKey = Path.Combine(directory, GatewayKey);
            if (File.Exists(gatewayCert) && File.Exists(gatewayKey))
            {
                report.Add($"kept the existing gateway certificate {gatewayCert}");
            }
            else
            {
                var (certificate, keyPem) = authority.IssueServerCertificate(serverNames, serverAddresses, now, TimeSpan.FromDays(397));
                using (certificate)
                {
                    SecretFiles.WriteAtomically(gatewayKey, keyPem, secret: true);
                    SecretFiles.WriteAtomically(gatewayCert, certificate.ExportCertificatePem(), secret: false);
                }

                report.Add($"issued the gateway certificate {gatewayCert} for {string.Join(", ", serverNames.Concat(serverAddresses.Select(a => a.ToString())))}");
            }
        }

        return report;
    }
}
