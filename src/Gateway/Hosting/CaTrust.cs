using System.Net.Security;
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

    /// <summary>Its SHA-256 fingerprint (lowercase hex), which claim codes carry.</summary>
    public string CaFingerprint { get; } = RavenXcope.Protocol.Sensors.JoinCode.FingerprintOf(caCertificate);

    /// <summary>Its PEM, served to agents that pin it by that fingerprint.</summary>
    public string Pem { get; } = caCertificate.ExportCertificatePem() + "\n";

    private readonly X509ChainPolicy _policy = RavenXcope.Common.PrivateCa.Policy(caCertificate, RavenXcope.Common.PrivateCa.ClientAuthentication);

    /// <summary>
    /// The chain policy each mTLS handshake builds the client's chain under (a copy: a handshake adds the certificates
    /// the client sent to it): our CA alone, clientAuth, no system roots.
    /// </summary>
    public X509ChainPolicy HandshakePolicy() => _policy.Clone();

    /// <summary>
    /// True when <paramref name="certificate"/> chains to our CA and is for client authentication: the handshake's chain,
    /// built under <see cref="HandshakePolicy"/>, settles it when it has no error; any other chain gets a full check.
    /// </summary>
    public bool IsValidClientCertificate(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors) =>
        RavenXcope.Common.PrivateCa.Accepts(Certificate, certificate, chain, errors, RavenXcope.Common.PrivateCa.ClientAuthentication);
}
