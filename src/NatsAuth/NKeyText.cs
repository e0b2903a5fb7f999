using System.Runtime.InteropServices;
using System.Security.Cryptography;
using NATS.NKeys;

namespace RavenXcope.NatsAuth;

/// <summary>
/// Checks of NKey text that arrives from outside (request bodies, files, JWT claims) before the NATS.NKeys
/// package decodes it: the package answers some malformed text with an exception other than
/// <see cref="NKeysException"/> (an index or argument error), and reads a seed whose unused last bits
/// differ as the same seed. Only the canonical text of a key is accepted here.
/// </summary>
public static class NKeyText
{
    /// <summary>Length of the text of an encoded public key: base32 of prefix, 32 key bytes and CRC-16.</summary>
    public const int PublicKeyLength = 56;

    /// <summary>Length of the text of an encoded seed: base32 of two prefix bytes, 32 seed bytes and CRC-16.</summary>
    public const int SeedLength = 58;

    /// <summary>True when <paramref name="text"/> is a public key of <paramref name="role"/>; never throws.</summary>
    public static bool IsPublicKey(string? text, PrefixByte role)
    {
        if (text is null || text.Length != PublicKeyLength || !IsBase32(text))
        {
            return false;
        }

        try
        {
            return KeyPair.IsValidPublicKey(role, text);
        }
        catch (NKeysException)
        {
            return false;
        }
    }

    /// <summary>The key pair of an encoded seed (dispose it).</summary>
    /// <exception cref="NKeysException">The text is not a seed; the message never repeats it.</exception>
    public static KeyPair ParseSeed(string text)
    {
        if (text.Length != SeedLength || !IsBase32(text) || text[0] != 'S')
        {
            throw new NKeysException($"not an NKey seed: a seed is {SeedLength} base32 characters starting with S");
        }

        var pair = KeyPair.FromSeed(text);
        if (!CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(pair.GetSeed().AsSpan()), MemoryMarshal.AsBytes(text.AsSpan())))
        {
            pair.Dispose();
            throw new NKeysException("not an NKey seed: its last character carries bits no seed has");
        }

        return pair;
    }

    private static bool IsBase32(string text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= '2' and <= '7')))
            {
                return false;
            }
        }

        return true;
    }
}
