using System.Security.Cryptography.X509Certificates;

namespace RavenXcope.Gateway.Hosting;

/// <summary>
/// Validates sensor client certificates against our CA alone (not the system's roots), and requires
/// the clientAuth usage. Whether the sensor is still trusted is asked of its grain on every request.
/// </summary>
public sealed class CaTrust(X509Certificate2 caCertificate)
{
    /// <summary>The CA certificate.</summary>
    public X509Certificate2 Certificate { get; } = caCertificate;

    /// <summary>True when <paramref name="certificate"/> chains to our CA and is for client authentication.</summary>
    public bool IsValidClientCertificate(X509Certificate2 certificate) =>
        RavenXcope.Common.PrivateCa.Issued(Certificate, certificate, RavenXcope.Common.PrivateCa.ClientAuthentication);
}
