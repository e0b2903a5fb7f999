using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace NATS.NKeys;

/// <summary>
/// An Ed25519 NKey: either a full pair made from a seed, which signs, or a public key alone, which only
/// verifies. NATS.Client.Core uses <see cref="FromSeed"/>, <see cref="Sign(ReadOnlyMemory{byte}, Memory{byte})"/>,
/// <see cref="GetPublicKey"/> and <see cref="Dispose"/>.
/// </summary>
public sealed class KeyPair : IDisposable
{
    /// <summary>Length of an Ed25519 signature.</summary>
    public const int SignatureLength = 64;

    private readonly byte[] _publicKey;
    private byte[]? _seed;
    private Ed25519PrivateKeyParameters? _privateKey;
    private bool _disposed;

    private KeyPair(PrefixByte role, byte[] publicKey, byte[]? seed)
    {
        Role = role;
        _publicKey = publicKey;
        _seed = seed;
        _privateKey = seed is null ? null : new Ed25519PrivateKeyParameters(seed, 0);
    }

    /// <summary>The role of the key (operator, account, user…).</summary>
    public PrefixByte Role { get; }

    /// <summary>True when this pair can sign.</summary>
    public bool CanSign => _seed is not null;

    /// <summary>Creates a new key pair of the given role from 32 bytes of the operating system's CSPRNG.</summary>
    public static KeyPair CreatePair(PrefixByte role)
    {
        var seed = RandomNumberGenerator.GetBytes(NKeys.KeyLength);
        try
        {
            return FromRawSeed(role, seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Creates a key pair from an encoded seed ("SO…", "SA…", "SU…").</summary>
    /// <exception cref="NKeysException">The seed does not decode.</exception>
    public static KeyPair FromSeed(ReadOnlySpan<char> seed)
    {
        var raw = NKeys.DecodeSeed(seed, out var role);
        try
        {
            return FromRawSeed(role, raw);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>Creates a verify-only key from an encoded public key.</summary>
    /// <exception cref="NKeysException">The key does not decode.</exception>
    public static KeyPair FromPublicKey(ReadOnlySpan<char> publicKey)
    {
        var raw = NKeys.DecodePublicKey(publicKey, out var role);
        return new KeyPair(role, raw, seed: null);
    }

    /// <summary>Creates a key pair of the given role from a raw 32-byte seed (copied).</summary>
    public static KeyPair FromRawSeed(PrefixByte role, ReadOnlySpan<byte> seed)
    {
        if (seed.Length != NKeys.KeyLength)
        {
            throw new ArgumentException($"a seed has {NKeys.KeyLength} bytes", nameof(seed));
        }

        // Validates the role before any key material is derived.
        _ = NKeys.EncodePublicKey(role, new byte[NKeys.KeyLength]);
        var copy = seed.ToArray();
        var publicKey = new Ed25519PrivateKeyParameters(copy, 0).GeneratePublicKey().GetEncoded();
        return new KeyPair(role, publicKey, copy);
    }

    /// <summary>The encoded public key ("O…", "A…", "U…").</summary>
    public string GetPublicKey()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return NKeys.EncodePublicKey(Role, _publicKey);
    }

    /// <summary>The encoded seed. Treat the result as a secret.</summary>
    /// <exception cref="InvalidOperationException">This key was made from a public key alone.</exception>
    public string GetSeed()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return NKeys.EncodeSeed(Role, _seed ?? throw new InvalidOperationException("a public key alone has no seed"));
    }

    /// <summary>The raw 32-byte Ed25519 public key.</summary>
    public byte[] GetRawPublicKey()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return (byte[])_publicKey.Clone();
    }

    /// <summary>Signs <paramref name="input"/> into the first 64 bytes of <paramref name="signature"/>.</summary>
    public void Sign(ReadOnlyMemory<byte> input, Memory<byte> signature)
    {
        var result = Sign(input.Span);
        if (signature.Length < SignatureLength)
        {
            throw new ArgumentException($"the signature buffer needs {SignatureLength} bytes", nameof(signature));
        }

        result.CopyTo(signature);
    }

    /// <summary>Signs <paramref name="input"/> and returns the 64-byte signature.</summary>
    public byte[] Sign(ReadOnlySpan<byte> input)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var key = _privateKey ?? throw new InvalidOperationException("a public key alone cannot sign");
        var signer = new Ed25519Signer();
        signer.Init(true, key);
        signer.BlockUpdate(input);
        return signer.GenerateSignature();
    }

    /// <summary>True when <paramref name="signature"/> is this key's signature of <paramref name="input"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (signature.Length != SignatureLength)
        {
            return false;
        }

        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(_publicKey, 0));
        verifier.BlockUpdate(input);
        return verifier.VerifySignature(signature.ToArray());
    }

    /// <summary>Forgets the seed (the bytes are zeroed).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_seed is not null)
        {
            CryptographicOperations.ZeroMemory(_seed);
            _seed = null;
        }

        _privateKey = null;
    }
}
