using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RavenXcope.Protocol.Sensors;

/// <summary>
/// What an operator hands to a sensor host: the claim code (<c>rxc_</c> and 32 characters of a–z, 2–7: 160 random
/// bits), followed by <c>_</c> and the SHA-256 fingerprint of the control plane's CA certificate (64 lowercase hex
/// digits, as <c>openssl x509 -in ca.cert.pem -outform DER | sha256sum</c> prints it). With the fingerprint the agent
/// needs no CA file: it fetches the CA from the enrollment endpoint and trusts it only if it has that fingerprint,
/// before it sends anything of its own. The control plane keeps only the claim code's digest; the fingerprint is no
/// secret. A bare claim code (no fingerprint) is still a code, for an agent given <c>--ca-file</c>.
/// </summary>
/// <param name="ClaimCode">The claim code itself (the secret).</param>
/// <param name="CaFingerprint">The CA certificate's SHA-256 in lowercase hex, or null.</param>
public sealed record JoinCode(string ClaimCode, string? CaFingerprint)
{
    /// <summary>Prefix of every claim code, so that a code is recognisable in a shell history or a ticket.</summary>
    public const string Prefix = "rxc_";

    /// <summary>The characters of the random part.</summary>
    public const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>Characters of the random part (32 of 5 bits: 160 bits).</summary>
    public const int SecretLength = 32;

    /// <summary>Characters of a fingerprint (SHA-256 in hex).</summary>
    public const int FingerprintLength = 64;

    /// <summary>The code as it is handed out.</summary>
    public override string ToString() => CaFingerprint is null ? ClaimCode : $"{ClaimCode}_{CaFingerprint}";

    /// <summary>True when <paramref name="code"/> has the shape of a claim code without a fingerprint (it may still be unknown).</summary>
    public static bool IsClaimCode(string? code) =>
        code is { Length: 36 } && code.StartsWith(Prefix, StringComparison.Ordinal) && code.AsSpan(Prefix.Length).IndexOfAnyExcept(Alphabet) < 0;

    /// <summary>The SHA-256 fingerprint of <paramref name="certificate"/> (its DER encoding), lowercase hex.</summary>
    public static string FingerprintOf(X509Certificate2 certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.RawDataMemory.Span));

    /// <summary>Reads a code, with or without a fingerprint; false with what is wrong with it (never echoing it).</summary>
    public static bool TryParse(string? text, out JoinCode code, out string problem)
    {
        code = new JoinCode(string.Empty, null);
        var trimmed = text?.Trim() ?? string.Empty;
        var claim = trimmed.Length >= 36 ? trimmed[..36] : trimmed;
        if (!claim.StartsWith(Prefix, StringComparison.Ordinal))
        {
            problem = $"a claim code starts with '{Prefix}'";
            return false;
        }

        if (!IsClaimCode(claim))
        {
            problem = $"a claim code is '{Prefix}' and {SecretLength} characters of a-z and 2-7";
            return false;
        }

        if (trimmed.Length == 36)
        {
            code = new JoinCode(claim, null);
            problem = string.Empty;
            return true;
        }

        var rest = trimmed.AsSpan(36);
        if (rest.Length != 1 + FingerprintLength || rest[0] != '_' || rest[1..].IndexOfAnyExcept("0123456789abcdef") >= 0)
        {
            problem = $"after the claim code comes '_' and the CA's SHA-256 fingerprint, {FingerprintLength} characters of 0-9 and a-f (the code may have been cut when it was copied)";
            return false;
        }

        code = new JoinCode(claim, rest[1..].ToString());
        problem = string.Empty;
        return true;
    }
}
