using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace RavenXcope.Agent;

/// <summary>
/// The agent's identity as read from its state directory: the client certificate with its key, the control plane's
/// CA, and the certificate context TLS uses. Read once per identity (after enrollment, after each renewal), not
/// per request.
/// </summary>
public sealed class SensorIdentity : IDisposable
{
    private SensorIdentity(X509Certificate2 certificate, X509Certificate2 ca)
    {
        Certificate = certificate;
        Ca = ca;

        // A context rather than a certificate list: .NET on Linux keys its TLS context, and so the cache of sessions it
        // resumes, by the context's certificate. With a list the certificate is chosen during the handshake, after the
        // context was picked, so the context (and a session to resume) may be one that another identity of the process
        // used, and the server would see that identity.
        CertificateContext = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
    }

    /// <summary>The client certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The control plane's CA, the only one the agent trusts for the gateway.</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>What TLS presents.</summary>
    public SslStreamCertificateContext CertificateContext { get; }

    /// <summary>Reads the identity of <paramref name="directory"/>.</summary>
    /// <exception cref="IOException">A file is missing or unreadable.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">Key and certificate do not match, or a PEM is broken.</exception>
    /// <exception cref="ArgumentException">A PEM file holds nothing usable.</exception>
    public static SensorIdentity Load(StateDirectory directory)
    {
        var certificate = LocalKeys.LoadIdentity(directory.CertificateFile, directory.KeyFile);
        try
        {
            return new SensorIdentity(certificate, X509Certificate2.CreateFromPem(File.ReadAllText(directory.CaFile)));
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Certificate.Dispose();
        Ca.Dispose();
    }
}
