using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RavenXcope.Agent;

namespace RavenXcope.Agent.Tests;

public sealed class EnrollmentKeyTests : IDisposable
{
    private readonly StateDirectory _state = new(Directory.CreateTempSubdirectory("rxc-enroll-key-").FullName);

    public void Dispose() => Directory.Delete(_state.Path, recursive: true);

    [Fact]
    public void The_key_and_csr_are_made_once_owner_only_and_sent_again_on_every_retry()
    {
        var (first, firstCsr) = Enrollment.PendingKeyAndCsr(_state, "host-1");
        var (second, secondCsr) = Enrollment.PendingKeyAndCsr(_state, "host-1");
        using (first)
        using (second)
        {
            Assert.Equal(firstCsr, secondCsr);
            Assert.Equal(first.ExportSubjectPublicKeyInfo(), second.ExportSubjectPublicKeyInfo());
        }

        foreach (var file in new[] { _state.EnrollKeyFile, _state.EnrollCsrFile })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Assert.Empty(Directory.GetFiles(_state.Path, "*.tmp"));
    }

    [Fact]
    public void A_key_that_does_not_match_its_csr_is_replaced_by_a_new_pair()
    {
        var (key, csr) = Enrollment.PendingKeyAndCsr(_state, "host-1");
        key.Dispose();
        using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            File.WriteAllText(_state.EnrollKeyFile, other.ExportPkcs8PrivateKeyPem());
        }

        var (fresh, freshCsr) = Enrollment.PendingKeyAndCsr(_state, "host-1");
        using (fresh)
        {
            Assert.NotEqual(csr, freshCsr);
            var request = CertificateRequest.LoadSigningRequestPem(freshCsr, HashAlgorithmName.SHA256);
            using var csrKey = request.PublicKey.GetECDsaPublicKey()!;
            Assert.Equal(fresh.ExportSubjectPublicKeyInfo(), csrKey.ExportSubjectPublicKeyInfo());
        }
    }
}
