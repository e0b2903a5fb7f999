using System.Text;

namespace NATS.NKeys.Tests;

public class EncodingTests
{
    [Fact]
    public void Crc16_matches_the_XMODEM_known_answer()
    {
        Assert.Equal(0x31C3, Crc16.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0, Crc16.Compute([]));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY")]
    [InlineData("fo", "MZXQ")]
    [InlineData("foo", "MZXW6")]
    [InlineData("foob", "MZXW6YQ")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI")]
    public void Base32_matches_the_RFC_4648_vectors_without_padding(string plain, string encoded)
    {
        Assert.Equal(encoded, Base32.Encode(Encoding.ASCII.GetBytes(plain)));
        Assert.True(Base32.TryDecode(encoded, out var decoded));
        Assert.Equal(plain, Encoding.ASCII.GetString(decoded));
    }

    [Theory]
    [InlineData("MY======")]
    [InlineData("mzxw6")]
    [InlineData("M")]
    [InlineData("MZ")]
    public void Base32_rejects_padding_lower_case_impossible_lengths_and_stray_bits(string text)
    {
        Assert.False(Base32.TryDecode(text, out _));
    }

    [Theory]
    [InlineData(PrefixByte.Operator, 'O')]
    [InlineData(PrefixByte.Account, 'A')]
    [InlineData(PrefixByte.User, 'U')]
    [InlineData(PrefixByte.Server, 'N')]
    [InlineData(PrefixByte.Cluster, 'C')]
    public void Keys_and_seeds_round_trip_with_the_role_letter(PrefixByte role, char letter)
    {
        using var pair = KeyPair.CreatePair(role);
        var publicKey = pair.GetPublicKey();
        var seed = pair.GetSeed();

        Assert.Equal(NKeys.PublicKeyTextLength, publicKey.Length);
        Assert.Equal(NKeys.SeedTextLength, seed.Length);
        Assert.Equal(letter, publicKey[0]);
        Assert.Equal("S" + letter, seed[..2]);

        using var again = KeyPair.FromSeed(seed);
        Assert.Equal(role, again.Role);
        Assert.Equal(publicKey, again.GetPublicKey());
        Assert.Equal(seed, again.GetSeed());

        var raw = NKeys.DecodePublicKey(publicKey, out var decodedRole);
        Assert.Equal(role, decodedRole);
        Assert.Equal(pair.GetRawPublicKey(), raw);
        Assert.Equal(publicKey, NKeys.EncodePublicKey(role, raw));
    }

    [Fact]
    public void A_known_seed_gives_its_known_public_key()
    {
        // RFC 8032 test 1: this seed's Ed25519 public key is d75a9801…511a.
        var seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        using var pair = KeyPair.FromRawSeed(PrefixByte.User, seed);
        Assert.Equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", Convert.ToHexStringLower(pair.GetRawPublicKey()));

        // RFC 8032 test 1 signs the empty message.
        Assert.Equal(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            Convert.ToHexStringLower(pair.Sign(ReadOnlySpan<byte>.Empty)));
    }

    [Fact]
    public void Every_single_character_change_of_a_public_key_is_rejected()
    {
        using var pair = KeyPair.CreatePair(PrefixByte.Account);
        var publicKey = pair.GetPublicKey();
        for (var i = 0; i < publicKey.Length; i++)
        {
            var corrupted = publicKey.ToCharArray();
            corrupted[i] = corrupted[i] == 'A' ? 'B' : 'A';
            Assert.Throws<NKeysException>(() => NKeys.DecodePublicKey(new string(corrupted), out _));
            Assert.False(NKeys.IsValidPublicKey(new string(corrupted)));
        }
    }

    [Fact]
    public void Every_single_character_change_of_a_seed_is_rejected_without_echoing_the_seed()
    {
        using var pair = KeyPair.CreatePair(PrefixByte.User);
        var seed = pair.GetSeed();
        for (var i = 0; i < seed.Length; i++)
        {
            var corrupted = seed.ToCharArray();
            corrupted[i] = corrupted[i] == 'A' ? 'B' : 'A';
            var error = Assert.ThrowsAny<NKeysException>(() => KeyPair.FromSeed(new string(corrupted)));
            Assert.DoesNotContain(new string(corrupted), error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(seed, error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("UABC")]
    [InlineData("U!AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Malformed_public_keys_are_rejected(string text)
    {
        Assert.Throws<NKeysException>(() => KeyPair.FromPublicKey(text));
    }

    [Fact]
    public void A_public_key_is_not_a_seed_and_a_seed_is_not_a_public_key()
    {
        using var pair = KeyPair.CreatePair(PrefixByte.User);
        Assert.Throws<NKeysException>(() => KeyPair.FromSeed(pair.GetPublicKey()));
        Assert.Throws<NKeysException>(() => KeyPair.FromPublicKey(pair.GetSeed()));
    }

    [Fact]
    public void A_key_of_another_role_is_rejected_when_a_role_is_expected()
    {
        using var account = KeyPair.CreatePair(PrefixByte.Account);
        var error = Assert.Throws<NKeysException>(() => NKeys.DecodePublicKey(account.GetPublicKey(), out _, PrefixByte.User));
        Assert.Contains("expected a User public key", error.Message, StringComparison.Ordinal);
    }
}
