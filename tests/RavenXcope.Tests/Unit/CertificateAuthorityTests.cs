using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RavenXcope.Common;
using RavenXcope.Grains.Certificates;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Tests.Unit;

public sealed class CertificateAuthorityTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public void Accepted_keys_are_P256_P384_and_RSA_2048_to_4096()
    {
        Assert.Equal("ECDSA P-256", CsrInspector.Inspect(Csrs.EcP256().Pem).Csr!.KeyDescription);
        Assert.Equal("ECDSA P-384", CsrInspector.Inspect(Csrs.Ec(ECCurve.NamedCurves.nistP384)).Csr!.KeyDescription);
        Assert.Equal("RSA 2048", CsrInspector.Inspect(Csrs.Rsa(2048)).Csr!.KeyDescription);
    }

    [Fact]
    public void Other_keys_are_refused_with_the_allowed_list()
    {
        foreach (var pem in new[] { Csrs.Ec(ECCurve.NamedCurves.nistP521), Csrs.Rsa(1024) })
        {
            var refusal = CsrInspector.Inspect(pem).Refusal!;
            Assert.Equal(ProblemCodes.CsrKeyNotAllowed.Code, refusal.Code);
            Assert.Contains(CsrInspector.AllowedKeys, refusal.Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(null, "csr_malformed")]
    [InlineData("", "csr_malformed")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----", "csr_malformed")]
    [InlineData("not a csr at all", "csr_malformed")]
    public void Malformed_CSRs_are_refused(string? pem, string code) => Assert.Equal(code, CsrInspector.Inspect(pem).Refusal!.Code);

    [Fact]
    public void Oversized_broken_CA_and_identity_asking_CSRs_are_refused_each_with_its_code()
    {
        Assert.Equal(ProblemCodes.CsrTooLarge.Code, CsrInspector.Inspect(new string('A', CsrInspector.MaxPemLength + 1)).Refusal!.Code);
        Assert.Equal(ProblemCodes.CsrSignatureInvalid.Code, CsrInspector.Inspect(Csrs.WithBrokenSignature()).Refusal!.Code);
        Assert.Equal(ProblemCodes.CsrCaNotAllowed.Code, CsrInspector.Inspect(Csrs.AskingForCa()).Refusal!.Code);
        Assert.Equal(ProblemCodes.CsrIdentityNotAllowed.Code, CsrInspector.Inspect(Csrs.AskingForSan()).Refusal!.Code);
        Assert.Equal(ProblemCodes.CsrIdentityNotAllowed.Code, CsrInspector.Inspect(Csrs.EcP256("CN=x, OU=tenant:other, O=RavenXcope").Pem).Refusal!.Code);
    }

    [Fact]
    public void Issued_certificates_follow_the_servers_profile_whatever_the_CSR_asked()
    {
        using var ca = CertificateAuthority.CreateNew("Test CA", Now);
        var (key, pem) = Csrs.EcP256("CN=i-would-like-to-be-admin");
        using (key)
        {
            var csr = CsrInspector.Inspect(pem).Csr!;
            var issued = ca.IssueSensorCertificate(csr.PublicKey, "acme", "edge-1", Now, TimeSpan.FromHours(720));
            using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem);

            Assert.Equal(("acme", "edge-1"), SensorIdentity.Read(certificate));
            Assert.DoesNotContain("admin", certificate.Subject, StringComparison.Ordinal);
            Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
            var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages;
            Assert.Equal(["1.3.6.1.5.5.7.3.2"], usages.Cast<Oid>().Select(o => o.Value));
            Assert.InRange(issued.NotAfter - Now, TimeSpan.FromHours(720) - TimeSpan.FromSeconds(2), TimeSpan.FromHours(720) + TimeSpan.FromSeconds(2));
            Assert.True(certificate.GetSerialNumber().Length >= 16, "the serial carries at least 128 bits");
            Assert.Equal(csr.PublicKey.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
            Assert.Equal(certificate.SerialNumber, issued.Serial);
            Assert.Equal(certificate.GetCertHashString(HashAlgorithmName.SHA256), issued.Fingerprint);
            Assert.Equal(certificate.NotBefore.ToUniversalTime(), issued.NotBefore.UtcDateTime);
            Assert.Equal(certificate.NotAfter.ToUniversalTime(), issued.NotAfter.UtcDateTime);
            Assert.Equal(3, certificate.Version);
            Assert.Equal("1.2.840.10045.4.3.2", certificate.SignatureAlgorithm.Value);
            Assert.Equal(ca.Certificate.SubjectName.RawData, certificate.IssuerName.RawData);
            Assert.True(certificate.Extensions.OfType<X509KeyUsageExtension>().Single().Critical);
            Assert.Equal(
                ca.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifier,
                Convert.ToHexString(certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.Span));

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca.Certificate);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            Assert.True(chain.Build(certificate), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        }
    }

    [Fact]
    public void A_CA_made_before_with_P384_still_issues_certificates_that_chain_to_it()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var request = new CertificateRequest("CN=Old CA, O=RavenXcope", key, HashAlgorithmName.SHA384);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var selfSigned = request.CreateSelfSigned(Now.AddDays(-1), Now.AddYears(1));
        using var ca = new CertificateAuthority(X509CertificateLoader.LoadCertificate(selfSigned.RawData), ECDsa.Create(key.ExportParameters(true)));
        var csr = CsrInspector.Inspect(Csrs.EcP256().Pem).Csr!;

        var issued = ca.IssueSensorCertificate(csr.PublicKey, "acme", "edge-1", Now, TimeSpan.FromDays(30));

        using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = Now.UtcDateTime;
        Assert.True(chain.Build(certificate), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }

    [Fact]
    public void A_certificate_past_2049_is_dated_in_GeneralizedTime_and_never_outlives_its_CA()
    {
        var late = new DateTimeOffset(2049, 12, 31, 23, 0, 0, TimeSpan.Zero);
        using var ca = CertificateAuthority.CreateNew("Test CA", late.AddDays(-1));
        var csr = CsrInspector.Inspect(Csrs.EcP256().Pem).Csr!;

        var issued = ca.IssueSensorCertificate(csr.PublicKey, "acme", "edge-1", late, TimeSpan.FromDays(30));
        var capped = ca.IssueSensorCertificate(csr.PublicKey, "acme", "edge-1", late, TimeSpan.FromDays(365 * 20));

        using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem);
        Assert.Equal(late.AddDays(30).UtcDateTime, certificate.NotAfter.ToUniversalTime());
        Assert.Equal(late.AddMinutes(-5).UtcDateTime, certificate.NotBefore.ToUniversalTime());
        Assert.Equal(ca.Certificate.NotAfter.ToUniversalTime(), capped.NotAfter.UtcDateTime);
    }

    [Fact]
    public void Serials_differ_between_certificates()
    {
        using var ca = CertificateAuthority.CreateNew("Test CA", Now);
        var csr = CsrInspector.Inspect(Csrs.EcP256().Pem).Csr!;
        var serials = Enumerable.Range(0, 50).Select(_ => ca.IssueSensorCertificate(csr.PublicKey, "acme", "edge-1", Now, TimeSpan.FromHours(1)).Serial).ToHashSet();
        Assert.Equal(50, serials.Count);
    }

    [Fact]
    public void The_CA_key_file_is_written_0600_and_a_readable_key_is_refused_naming_the_file()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"rxc-ca-{Guid.NewGuid():N}");
        try
        {
            RavenXcope.Silo.Trust.InitCa.Run(directory, ["localhost"], [System.Net.IPAddress.Loopback], Now);
            var keyPath = Path.Combine(directory, "ca.key.pem");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, "gateway.key.pem")));
            using (CertificateAuthority.Load(Path.Combine(directory, "ca.cert.pem"), keyPath))
            {
            }

            // Running init-ca again keeps the CA.
            var before = File.ReadAllText(keyPath);
            RavenXcope.Silo.Trust.InitCa.Run(directory, ["localhost"], [System.Net.IPAddress.Loopback], Now);
            Assert.Equal(before, File.ReadAllText(keyPath));

            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            var error = Assert.Throws<InsecureKeyFileException>(() => CertificateAuthority.Load(Path.Combine(directory, "ca.cert.pem"), keyPath));
            Assert.Contains(keyPath, error.Message, StringComparison.Ordinal);
            Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
