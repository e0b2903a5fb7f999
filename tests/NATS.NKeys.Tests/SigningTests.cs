using System.Text;

namespace NATS.NKeys.Tests;

public class SigningTests
{
    [Fact]
    public void A_signature_verifies_with_the_public_key_alone_and_fails_on_any_change()
    {
        using var pair = KeyPair.CreatePair(PrefixByte.User);
        var data = Encoding.UTF8.GetBytes("nonce from the server");
        var signature = pair.Sign(data);
        Assert.Equal(KeyPair.SignatureLength, signature.Length);

        using var verifier = KeyPair.FromPublicKey(pair.GetPublicKey());
        Assert.False(verifier.CanSign);
        Assert.True(verifier.Verify(data, signature));

        var tamperedData = (byte[])data.Clone();
        tamperedData[0] ^= 1;
        Assert.False(verifier.Verify(tamperedData, signature));

        var tamperedSignature = (byte[])signature.Clone();
        tamperedSignature[10] ^= 1;
        Assert.False(verifier.Verify(data, tamperedSignature));
        Assert.False(verifier.Verify(data, signature.AsSpan(0, 63)));

        using var other = KeyPair.CreatePair(PrefixByte.User);
        Assert.False(KeyPair.FromPublicKey(other.GetPublicKey()).Verify(data, signature));
    }

    [Fact]
    public void The_memory_overload_used_by_NATS_Client_Core_writes_the_same_signature()
    {
        using var pair = KeyPair.CreatePair(PrefixByte.User);
        var data = Encoding.UTF8.GetBytes("abc");
        var buffer = new byte[64];
        pair.Sign(data.AsMemory(), buffer.AsMemory());
        Assert.Equal(pair.Sign(data), buffer);
        Assert.Throws<ArgumentException>(() => pair.Sign(data.AsMemory(), new byte[63].AsMemory()));
    }

    [Fact]
    public void A_verify_only_key_refuses_to_sign_and_to_reveal_a_seed()
    {
        using var pair = KeyPair.CreatePair(PrefixByte.Operator);
        using var verifier = KeyPair.FromPublicKey(pair.GetPublicKey());
        Assert.Throws<InvalidOperationException>(() => verifier.Sign([1, 2, 3]));
        Assert.Throws<InvalidOperationException>(() => verifier.GetSeed());
    }

    [Fact]
    public void A_disposed_key_can_no_longer_be_used()
    {
        var pair = KeyPair.CreatePair(PrefixByte.Account);
        pair.Dispose();
        pair.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pair.GetSeed());
        Assert.Throws<ObjectDisposedException>(() => pair.Sign([1]));
    }
}
