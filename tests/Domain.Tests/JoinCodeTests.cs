using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RavenXcope.Protocol.Sensors;

namespace RavenXcope.Domain.Tests;

/// <summary>The claim code as handed out: the code and the CA's fingerprint, read before anything is sent.</summary>
public sealed class JoinCodeTests
{
    private static readonly string Fingerprint = new string('a', 32) + new string('0', 32);

    [Fact]
    public void A_code_with_a_fingerprint_splits_into_the_claim_code_and_the_fingerprint()
    {
        var claim = ClaimCodes.NewCode();

        Assert.True(JoinCode.TryParse($"  {claim}_{Fingerprint}\n", out var code, out var problem), problem);

        Assert.Equal(new JoinCode(claim, Fingerprint), code);
        Assert.Equal($"{claim}_{Fingerprint}", code.ToString());
    }

    [Fact]
    public void A_bare_claim_code_is_still_a_code()
    {
        var claim = ClaimCodes.NewCode();

        Assert.True(JoinCode.TryParse(claim, out var code, out _));

        Assert.Equal(new JoinCode(claim, null), code);
    }

    [Theory]
    [InlineData("", "starts with 'rxc_'")]
    [InlineData("abc", "starts with 'rxc_'")]
    [InlineData("rxc_short", "32 characters")]
    [InlineData("rxc_ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "32 characters")]
    [InlineData("rxc_abcdefghijklmnopqrstuvwxyz234567_0123", "may have been cut")]
    [InlineData("rxc_abcdefghijklmnopqrstuvwxyz234567-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "'_'")]
    [InlineData("rxc_abcdefghijklmnopqrstuvwxyz234567_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "0-9 and a-f")]
    [InlineData("rxc_abcdefghijklmnopqrstuvwxyz234567_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "may have been cut")]
    public void A_malformed_code_is_refused_with_what_is_wrong_and_without_echoing_it(string text, string problemPart)
    {
        Assert.False(JoinCode.TryParse(text, out _, out var problem));

        Assert.Contains(problemPart, problem, StringComparison.Ordinal);
        if (text.Length > 4)
        {
            Assert.DoesNotContain(text[4..], problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_fingerprint_is_the_sha256_of_the_certificate_as_openssl_prints_it()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=test ca", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)), JoinCode.FingerprintOf(certificate));
        Assert.Equal(certificate.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant(), JoinCode.FingerprintOf(certificate));
    }
}
