using System.Text;
using System.Text.Json.Nodes;
using RavenXcope.TestSupport;

namespace RavenXcope.NatsAuth.Tests;

public class JwtTests
{
    private static readonly DateTimeOffset IssuedAt = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public void A_JWT_verifies_against_its_issuer_and_any_change_breaks_it()
    {
        using var op = KeyPair.CreatePair(PrefixByte.Operator);
        using var account = KeyPair.CreatePair(PrefixByte.Account);
        var jwt = NatsJwt.Encode(op, account.GetPublicKey(), "acme", "account", NatsClaims.Account(jetStream: true), IssuedAt);

        var claims = NatsJwt.DecodeVerified(jwt)!;
        Assert.Equal(op.GetPublicKey(), claims["iss"]!.GetValue<string>());
        Assert.Equal(account.GetPublicKey(), claims["sub"]!.GetValue<string>());
        Assert.Equal(2, claims["nats"]!["version"]!.GetValue<int>());
        Assert.Equal(-1, claims["nats"]!["limits"]!["conn"]!.GetValue<int>());
        Assert.Equal(52, claims["jti"]!.GetValue<string>().Length);

        var parts = jwt.Split('.');
        var tampered = NatsJwt.Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString().Replace("acme", "evil", StringComparison.Ordinal)));
        Assert.Null(NatsJwt.DecodeVerified($"{parts[0]}.{tampered}.{parts[2]}"));
        Assert.Null(NatsJwt.DecodeVerified("not.a.jwt"));
    }

    [Fact]
    public void A_JWT_with_a_cut_signature_or_an_issuer_that_is_no_issuer_key_is_refused_without_throwing()
    {
        using var op = KeyPair.CreatePair(PrefixByte.Operator);
        using var account = KeyPair.CreatePair(PrefixByte.Account);
        var parts = NatsJwt.Encode(op, account.GetPublicKey(), "acme", "account", NatsClaims.Account(jetStream: true), IssuedAt).Split('.');

        Assert.Null(NatsJwt.DecodeVerified($"{parts[0]}.{parts[1]}.{parts[2][..^4]}"));
        Assert.Null(NatsJwt.DecodeVerified($"{parts[0]}.{parts[1]}."));

        var claims = NatsJwt.DecodeVerified(string.Join('.', parts))!;
        foreach (var issuer in new[] { op.GetSeed(), "", "OABC", op.GetPublicKey().ToLowerInvariant(), op.GetPublicKey() + "A" })
        {
            claims["iss"] = issuer;
            Assert.Null(NatsJwt.DecodeVerified($"{parts[0]}.{NatsJwt.Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()))}.{parts[2]}"));
        }
    }

    [Fact]
    public void The_system_account_has_no_JetStream_and_revocations_are_listed()
    {
        var sys = NatsClaims.Account(jetStream: false);
        Assert.Null(sys["limits"]!["mem_storage"]);
        var revoked = NatsClaims.Account(true, new Dictionary<string, long> { ["UABC"] = 42 });
        Assert.Equal(42, revoked["revocations"]!["UABC"]!.GetValue<long>());
    }

    [Fact]
    public async Task The_official_JavaScript_libraries_decode_and_verify_our_JWTs_and_creds()
    {
        using var op = KeyPair.CreatePair(PrefixByte.Operator);
        using var sys = KeyPair.CreatePair(PrefixByte.Account);
        using var user = KeyPair.CreatePair(PrefixByte.User);
        var operatorJwt = NatsJwt.Encode(op, op.GetPublicKey(), "ravenxcope", "operator", NatsClaims.Operator(sys.GetPublicKey(), "http://127.0.0.1:8080/jwt/v1/accounts/"), IssuedAt);
        var accountJwt = NatsJwt.Encode(op, sys.GetPublicKey(), "SYS", "account", NatsClaims.Account(jetStream: false), IssuedAt);
        var userJwt = NatsJwt.Encode(sys, user.GetPublicKey(), "sys-user", "user", NatsClaims.User([">"], [">"]), IssuedAt, IssuedAt.AddDays(1));
        var creds = NatsJwt.FormatCreds(userJwt, user.GetSeed());

        var output = await NodeInterop.RunAsync("jwt-check.mjs", new JsonObject
        {
            ["jwts"] = new JsonArray(operatorJwt, accountJwt, userJwt),
            ["creds"] = creds,
        }.ToJsonString());
        var result = JsonNode.Parse(output)!;

        var decoded = result["jwts"]!.AsArray();
        Assert.All(decoded, d => Assert.True(d!["verified"]!.GetValue<bool>(), "nats.js rejected our signature"));
        Assert.All(decoded, d => Assert.Equal("ed25519-nkey", d!["header"]!["alg"]!.GetValue<string>()));
        Assert.Equal("operator", decoded[0]!["claims"]!["nats"]!["type"]!.GetValue<string>());
        Assert.Equal(sys.GetPublicKey(), decoded[0]!["claims"]!["nats"]!["system_account"]!.GetValue<string>());
        Assert.Equal("account", decoded[1]!["claims"]!["nats"]!["type"]!.GetValue<string>());
        Assert.Equal(IssuedAt.AddDays(1).ToUnixTimeSeconds(), decoded[2]!["claims"]!["exp"]!.GetValue<long>());
        Assert.Equal(userJwt, result["creds"]!["jwt"]!.GetValue<string>());
        Assert.Equal(user.GetPublicKey(), result["creds"]!["seedPublicKey"]!.GetValue<string>());
    }
}
