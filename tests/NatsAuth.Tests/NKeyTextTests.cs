namespace RavenXcope.NatsAuth.Tests;

/// <summary>Key text from outside (request bodies, seed files) is judged without an exception escaping.</summary>
public class NKeyTextTests
{
    [Theory]
    [InlineData(PrefixByte.Operator)]
    [InlineData(PrefixByte.Account)]
    [InlineData(PrefixByte.User)]
    public void A_public_key_is_accepted_for_its_own_role_only(PrefixByte role)
    {
        using var pair = KeyPair.CreatePair(role);
        foreach (var other in new[] { PrefixByte.Operator, PrefixByte.Account, PrefixByte.User })
        {
            Assert.Equal(other == role, NKeyText.IsPublicKey(pair.GetPublicKey(), other));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("U")]
    [InlineData("UABC")]
    [InlineData("U!AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("UAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA======")]
    public void Malformed_text_is_no_public_key(string? text)
    {
        Assert.False(NKeyText.IsPublicKey(text, PrefixByte.User));
    }

    [Fact]
    public void Every_single_character_change_lower_casing_and_a_seed_are_no_public_key()
    {
        using var pair = KeyPair.CreatePair(PrefixByte.User);
        var publicKey = pair.GetPublicKey();
        for (var i = 0; i < publicKey.Length; i++)
        {
            var corrupted = publicKey.ToCharArray();
            corrupted[i] = corrupted[i] == 'A' ? 'B' : 'A';
            Assert.False(NKeyText.IsPublicKey(new string(corrupted), PrefixByte.User), $"a change at {i} was accepted");
        }

        Assert.False(NKeyText.IsPublicKey(publicKey.ToLowerInvariant(), PrefixByte.User));
        Assert.False(NKeyText.IsPublicKey(publicKey + "A", PrefixByte.User));
        Assert.False(NKeyText.IsPublicKey(publicKey[..^1], PrefixByte.User));
        Assert.False(NKeyText.IsPublicKey(pair.GetSeed(), PrefixByte.User));
    }

    [Fact]
    public void A_seed_reads_back_as_its_key_pair()
    {
        using var pair = KeyPair.CreatePair(PrefixByte.Operator);
        using var again = NKeyText.ParseSeed(pair.GetSeed());
        Assert.Equal(PrefixByte.Operator, again.Prefix);
        Assert.Equal(pair.GetPublicKey(), again.GetPublicKey());
    }

    [Fact]
    public void A_malformed_seed_fails_as_an_NKeys_error_that_does_not_repeat_it()
    {
        using var pair = KeyPair.CreatePair(PrefixByte.Account);
        var seed = pair.GetSeed();
        var bad = new List<string> { "", "S", "SA", seed.ToLowerInvariant(), seed + "A", seed[..^1], seed.Replace('A', '!'), pair.GetPublicKey() };
        for (var i = 0; i < seed.Length; i++)
        {
            var corrupted = seed.ToCharArray();
            corrupted[i] = corrupted[i] == 'A' ? 'B' : 'A';
            bad.Add(new string(corrupted));
        }

        foreach (var text in bad)
        {
            var error = Assert.Throws<NKeysException>(() => NKeyText.ParseSeed(text).Dispose());
            if (text.Length > 2)
            {
                Assert.DoesNotContain(text, error.Message, StringComparison.Ordinal);
            }
        }
    }
}
