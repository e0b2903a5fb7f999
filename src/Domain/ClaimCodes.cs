using System.Security.Cryptography;
using System.Text;
using RavenXcope.Protocol.Sensors;

namespace RavenXcope.Domain;

/// <summary>Format and digest of claim codes. A code carries 160 random bits; only its digest is ever stored.</summary>
public static class ClaimCodes
{
    /// <summary>Prefix of every code, so that a code is recognisable in a shell history or a ticket.</summary>
    public const string Prefix = JoinCode.Prefix;

    private const string Alphabet = JoinCode.Alphabet;

    /// <summary>A new code from the operating system's CSPRNG.</summary>
    public static string NewCode()
    {
        Span<byte> random = stackalloc byte[20];
        RandomNumberGenerator.Fill(random);
        var chars = new char[32];
        for (var i = 0; i < 32; i++)
        {
            // 20 bytes are 160 bits: 32 characters of 5 bits each.
            var bit = i * 5;
            var value = ((random[bit / 8] << 8) | (bit / 8 + 1 < 20 ? random[bit / 8 + 1] : 0)) >> (11 - (bit % 8));
            chars[i] = Alphabet[value & 31];
        }

        return Prefix + new string(chars);
    }

    /// <summary>True when <paramref name="code"/> has the shape of a code (it may still be unknown).</summary>
    public static bool IsWellFormed(string? code) => JoinCode.IsClaimCode(code);

    /// <summary>SHA-256 of the code, hex: the claim-code grain's key.</summary>
    public static string Digest(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
