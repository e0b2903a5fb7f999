using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RavenXcope.Common;
using RavenXcope.Grains.Certificates;

namespace RavenXcope.Tests.Unit;

/// <summary>The chain checks every TLS callback uses: our CA alone, whatever chain the handshake hands over.</summary>
public sealed class PrivateCaTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly CertificateAuthority _ca = CertificateAuthority.CreateNew("Test CA", Now);
    private readonly CertificateAuthority _foreign = CertificateAuthority.CreateNew("Foreign CA", Now);

    public void Dispose()
    {
        _ca.Dispose();
        _foreign.Dispose();
    }

    [Fact]
    public void A_chain_built_under_our_policy_without_errors_is_accepted_and_the_policy_reads_no_system_root()
    {
        using var sensor = SensorCertificate(_ca);
        using var chain = BuiltUnder(_ca, sensor, PrivateCa.ClientAuthentication);

        Assert.True(PrivateCa.Accepts(_ca.Certificate, sensor, chain, SslPolicyErrors.None, PrivateCa.ClientAuthentication));
        Assert.Equal(X509ChainTrustMode.CustomRootTrust, chain.ChainPolicy.TrustMode);
        Assert.True(chain.ChainPolicy.DisableCertificateDownloads);
    }

    [Fact]
    public void A_foreign_certificate_is_refused_even_when_the_handshake_found_no_error_under_another_policy()
    {
        // A handshake not given our policy (say, one that trusts the foreign CA) reports no error: the callback must
        // not take that for ours.
        using var impostor = SensorCertificate(_foreign);
        using var chain = BuiltUnder(_foreign, impostor, PrivateCa.ClientAuthentication);

        Assert.False(PrivateCa.Accepts(_ca.Certificate, impostor, chain, SslPolicyErrors.None, PrivateCa.ClientAuthentication));
        Assert.False(PrivateCa.Accepts(_ca.Certificate, impostor, chain: null, SslPolicyErrors.None));
        Assert.False(PrivateCa.Accepts(_ca.Certificate, certificate: null, chain, SslPolicyErrors.None));
    }

    [Fact]
    public void Without_our_policy_the_full_check_decides()
    {
        using var sensor = SensorCertificate(_ca);
        using var systemChain = new X509Chain();
        systemChain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        // The system's roots do not know our CA: the handshake reports a chain error, and our own check still accepts it.
        Assert.False(systemChain.Build(sensor));
        Assert.True(PrivateCa.Accepts(_ca.Certificate, sensor, systemChain, SslPolicyErrors.RemoteCertificateChainErrors, PrivateCa.ClientAuthentication));

        // Our policy with a chain error is not taken at its word either way: the full check refuses a foreign one.
        using var impostor = SensorCertificate(_foreign);
        using var ours = new X509Chain { ChainPolicy = PrivateCa.Policy(_ca.Certificate) };
        Assert.False(ours.Build(impostor));
        Assert.False(PrivateCa.Accepts(_ca.Certificate, impostor, ours, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void A_required_usage_the_certificate_lacks_is_refused()
    {
        // The gateway's server certificate is for serverAuth only: never a client.
        var (server, _) = _ca.IssueServerCertificate(["localhost"], [], Now, TimeSpan.FromHours(1));
        using (server)
        {
            Assert.True(PrivateCa.Issued(_ca.Certificate, server));
            Assert.False(PrivateCa.Issued(_ca.Certificate, server, PrivateCa.ClientAuthentication));

            using var chain = BuiltUnder(_ca, server);
            // Built without the usage, the chain does not settle a check that requires it.
            Assert.False(PrivateCa.Accepts(_ca.Certificate, server, chain, SslPolicyErrors.None, PrivateCa.ClientAuthentication));
        }
    }

    // The chain a handshake given PrivateCa.Policy of this CA would build; it must build.
    private static X509Chain BuiltUnder(CertificateAuthority ca, X509Certificate2 certificate, string? usage = null)
    {
        var chain = new X509Chain { ChainPolicy = PrivateCa.Policy(ca.Certificate, usage) };
        Assert.True(chain.Build(certificate));
        return chain;
    }

    private static X509Certificate2 SensorCertificate(CertificateAuthority ca)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var issued = ca.IssueSensorCertificate(new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).PublicKey, "acme", "edge-1", Now, TimeSpan.FromHours(1));
        return X509Certificate2.CreateFromPem(issued.CertificatePem);
    }
}
