using System.Buffers.Binary;
using System.Security.Cryptography;

namespace NATS.NKeys;

/// <summary>
/// Encoding and decoding of NKey public keys and seeds: base32 of a prefix, 32 key bytes and a
/// little-endian CRC-16 over everything before it.
/// </summary>
public static class NKeys
{
    /// <summary>Length of an Ed25519 seed and of an Ed25519 public key.</summary>
    public const int KeyLength = 32;

    /// <summary>Length of the text of an encoded public key.</summary>
    public const int PublicKeyTextLength = 56;

    /// <summary>Length of the text of an encoded seed.</summary>
    public const int SeedTextLength = 58;

    /// <summary>Encodes a 32-byte public key for the given role.</summary>
    public static string EncodePublicKey(PrefixByte role, ReadOnlySpan<byte> publicKey)
    {
        RequireRole(role);
        if (publicKey.Length != KeyLength)
        {
            throw new ArgumentException($"a public key has {KeyLength} bytes, not {publicKey.Length}", nameof(publicKey));
        }

        Span<byte> raw = stackalloc byte[1 + KeyLength + 2];
        raw[0] = (byte)role;
        publicKey.CopyTo(raw[1..]);
        BinaryPrimitives.WriteUInt16LittleEndian(raw[(1 + KeyLength)..], Crc16.Compute(raw[..(1 + KeyLength)]));
        return Base32.Encode(raw);
    }

    /// <summary>Encodes a 32-byte Ed25519 seed for the given role.</summary>
    public static string EncodeSeed(PrefixByte role, ReadOnlySpan<byte> seed)
    {
        RequireRole(role);
        if (seed.Length != KeyLength)
        {
            throw new ArgumentException($"a seed has {KeyLength} bytes, not {seed.Length}", nameof(seed));
        }

        var raw = new byte[2 + KeyLength + 2];
        try
        {
            raw[0] = (byte)((byte)PrefixByte.Seed | ((byte)role >> 5));
            raw[1] = (byte)(((byte)role & 31) << 3);
            seed.CopyTo(raw.AsSpan(2));
            BinaryPrimitives.WriteUInt16LittleEndian(raw.AsSpan(2 + KeyLength), Crc16.Compute(raw.AsSpan(0, 2 + KeyLength)));
            return Base32.Encode(raw);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>
    /// Decodes a public key; <paramref name="expected"/>, when given, must match its role.
    /// </summary>
    /// <exception cref="NKeysException">The text is not a valid public key of that role.</exception>
    public static byte[] DecodePublicKey(ReadOnlySpan<char> text, out PrefixByte role, PrefixByte? expected = null)
    {
        if (text.Length != PublicKeyTextLength)
        {
            throw new NKeysException($"a public key has {PublicKeyTextLength} characters, this one has {text.Length}");
        }

        var raw = DecodeChecked(text, "public key");
        var prefix = raw[0];
        if (!IsRole(prefix))
        {
            throw new NKeysException($"unknown public key prefix byte 0x{prefix:X2}");
        }

        role = (PrefixByte)prefix;
        if (expected is { } want && want != role)
        {
            throw new NKeysException($"expected a {want} public key, got a {role} public key");
        }

        return raw.AsSpan(1, KeyLength).ToArray();
    }

    /// <summary>Decodes a seed and returns its 32 raw bytes; the caller must zero them after use.</summary>
    /// <exception cref="NKeysException">The text is not a valid seed. The message never contains the seed.</exception>
    public static byte[] DecodeSeed(ReadOnlySpan<char> text, out PrefixByte role)
    {
        if (text.Length != SeedTextLength)
        {
            throw new NKeysException($"a seed has {SeedTextLength} characters, this one has {text.Length}");
        }

        var raw = DecodeChecked(text, "seed");
        try
        {
            if ((raw[0] & 0xF8) != (byte)PrefixByte.Seed)
            {
                throw new NKeysException("not a seed: the first byte does not carry the seed marker");
            }

            var type = (byte)(((raw[0] & 7) << 5) | ((raw[1] & 0xF8) >> 3));
            if (!IsRole(type))
            {
                throw new NKeysException($"unknown seed role 0x{type:X2}");
            }

            role = (PrefixByte)type;
            return raw.AsSpan(2, KeyLength).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>True when <paramref name="text"/> is a valid public key (of <paramref name="role"/>, when given).</summary>
    public static bool IsValidPublicKey(ReadOnlySpan<char> text, PrefixByte? role = null)
    {
        try
        {
            DecodePublicKey(text, out _, role);
            return true;
        }
        catch (NKeysException)
        {
            return false;
        }
    }

    private static byte[] DecodeChecked(ReadOnlySpan<char> text, string what)
    {
        if (!Base32.TryDecode(text, out var raw) || raw.Length < 3)
        {
            throw new NKeysException($"the {what} is not valid base32");
        }

        var body = raw.AsSpan(0, raw.Length - 2);
        var stored = BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(raw.Length - 2));
        if (Crc16.Compute(body) != stored)
        {
            CryptographicOperations.ZeroMemory(raw);
            throw new NKeysException($"the {what} fails its checksum");
        }

        return raw;
    }

    private static bool IsRole(byte value) => value is (byte)PrefixByte.Account or (byte)PrefixByte.Cluster
        or (byte)PrefixByte.Server or (byte)PrefixByte.Operator or (byte)PrefixByte.User;

    private static void RequireRole(PrefixByte role)
    {
        if (!IsRole((byte)role))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, "a key role is Operator, Account, User, Server or Cluster");
        }
    }
}
