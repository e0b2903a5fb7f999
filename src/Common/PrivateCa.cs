using System.Net.Security;
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
        using var chain = new X509Chain { ChainPolicy = Policy(ca, requiredUsage) };
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        try
        {
            return chain.Build(leaf) && chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span);
        }
        finally
        {
            // The elements are certificates of their own; left to the finalizer, they cost more to free than to build.
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }

            if (!ReferenceEquals(leaf, certificate))
            {
                leaf.Dispose();
            }
        }
    }

    /// <summary>
    /// A chain policy that trusts <paramref name="ca"/> alone (requiring <paramref name="requiredUsage"/>, when given), downloads
    /// nothing and checks no revocation list (revocation is the control plane's own, per request). Given to a TLS handshake as its
    /// <c>CertificateChainPolicy</c>, the handshake's one chain build is the whole check and the system's root store is never
    /// read; by default each handshake loads every system root to find that our CA is not among them.
    /// </summary>
    public static X509ChainPolicy Policy(X509Certificate2 ca, string? requiredUsage = null)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        policy.CustomTrustStore.Add(ca);
        if (requiredUsage is not null)
        {
            policy.ApplicationPolicy.Add(new Oid(requiredUsage));
        }

        return policy;
    }

    /// <summary>
    /// The certificate check for a TLS validation callback: true when the handshake built <paramref name="chain"/> under
    /// <see cref="Policy"/> of this <paramref name="ca"/> (and usage) and found no error; otherwise the full check,
    /// <see cref="Issued"/>, so a handshake that was not given the policy is still judged against our CA alone.
    /// Name checks are the caller's.
    /// </summary>
    public static bool Accepts(X509Certificate2 ca, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, string? requiredUsage = null)
    {
        if (certificate is null)
        {
            return false;
        }

        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0 && chain is not null && IsPolicyOf(chain.ChainPolicy, ca, requiredUsage))
        {
            return true;
        }

        return Issued(ca, certificate, requiredUsage);
    }

    /// <summary>
    /// Makes <paramref name="options"/> accept only a server certificate from <paramref name="ca"/>: the handshake builds
    /// the chain under <see cref="Policy"/> and the callback is <see cref="Accepts"/>. With <paramref name="checkName"/>
    /// the certificate must also name the host the client asked for.
    /// </summary>
    public static SslClientAuthenticationOptions TrustOnly(this SslClientAuthenticationOptions options, X509Certificate2 ca, bool checkName = false)
    {
        options.CertificateChainPolicy = Policy(ca);
        options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            (!checkName || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0) && Accepts(ca, certificate, chain, errors);
        return options;
    }

    private static bool IsPolicyOf(X509ChainPolicy policy, X509Certificate2 ca, string? requiredUsage) =>
        policy.TrustMode == X509ChainTrustMode.CustomRootTrust
            && policy.CustomTrustStore.Count == 1
            && policy.CustomTrustStore[0].RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span)
            && (requiredUsage is null || policy.ApplicationPolicy.Cast<Oid>().Any(usage => usage.Value == requiredUsage));
}
