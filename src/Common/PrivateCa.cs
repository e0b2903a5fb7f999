using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RavenXcope.Common;

/// <summary>Chain validation against our own CA alone, never the system's roots.</summary>
public static class PrivateCa
{
    /// <summary>OID of the clientAuth extended key usage.</summary>
    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>True when <paramref name="certificate"/> chains to <paramref name="ca"/> (and carries <paramref name="requiredUsage"/>, when given).</summary>
    public static bool Issued(X509Certificate2 ca, X509Certificate certificate, string? requiredUsage = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (requiredUsage is not null)
        {
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid(requiredUsage));
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf) && chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(ca.RawData);
    }
}
