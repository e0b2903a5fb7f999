using System.Security.Cryptography;
using System.Text;

namespace RavenXcope.Grains.Nats;

/// <summary>
/// AES-256-GCM for NKey seeds at rest: <c>base64(nonce ‖ ciphertext ‖ tag)</c>, with the key's public key
/// as associated data so that a sealed seed cannot be moved to another key's record.
/// </summary>
public sealed class SeedVault
{
    private readonly byte[] _key;

    /// <summary>Creates the vault from a base64 32-byte key.</summary>
    /// <exception cref="FormatException">The key is not base64 of exactly 32 bytes.</exception>
    public SeedVault(string base64Key)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64Key);
        }
        catch (FormatException)
        {
            throw new FormatException("ACCOUNT_SEED_ENCRYPTION_KEY is not base64");
        }

        if (key.Length != 32)
        {
            throw new FormatException($"ACCOUNT_SEED_ENCRYPTION_KEY must decode to 32 bytes, not {key.Length}");
        }

        _key = key;
    }

    /// <summary>Seals <paramref name="seed"/> for the key <paramref name="publicKey"/>.</summary>
    public string Seal(string seed, string publicKey)
    {
        var plain = Encoding.ASCII.GetBytes(seed);
        var sealedBytes = new byte[12 + plain.Length + 16];
        var nonce = sealedBytes.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(12, plain.Length), sealedBytes.AsSpan(12 + plain.Length), Encoding.ASCII.GetBytes(publicKey));
        CryptographicOperations.ZeroMemory(plain);
        return Convert.ToBase64String(sealedBytes);
    }

    /// <summary>Opens a sealed seed; throws <see cref="CryptographicException"/> when it was altered or belongs to another key.</summary>
    public string Open(string sealedSeed, string publicKey)
    {
        var data = Convert.FromBase64String(sealedSeed);
        var plain = new byte[data.Length - 28];
        using var aes = new AesGcm(_key, 16);
        aes.Decrypt(data.AsSpan(0, 12), data.AsSpan(12, plain.Length), data.AsSpan(12 + plain.Length), plain, Encoding.ASCII.GetBytes(publicKey));
        try
        {
            return Encoding.ASCII.GetString(plain);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}
