using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RavenXcope.Agent;

/// <summary>Key and CSR generation, on the host: the private key never leaves it.</summary>
public static class LocalKeys
{
    /// <summary>A new ECDSA P-256 key and a CSR for it (the subject is informational; the server decides the identity).</summary>
    public static (ECDsa Key, string CsrPem) NewKeyAndCsr(string hostname)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cn = new string(hostname.Where(c => char.IsLetterOrDigit(c) || c is '-' or '.').Take(64).ToArray());
        var request = new CertificateRequest(new X500DistinguishedName($"CN={(cn.Length == 0 ? "sensor" : cn)}"), key, HashAlgorithmName.SHA256);
        return (key, request.CreateSigningRequestPem());
    }

    /// <summary>Loads the certificate with its key from the state directory.</summary>
    public static X509Certificate2 LoadIdentity(string certificateFile, string keyFile)
    {
        using var publicOnly = X509Certificate2.CreateFromPem(File.ReadAllText(certificateFile));
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(keyFile));
        return publicOnly.CopyWithPrivateKey(key);
    }
}
