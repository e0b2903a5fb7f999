using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NATS.NKeys;
using Org.BouncyCastle.Crypto.Digests;

namespace RavenXcope.NatsAuth;

/// <summary>
/// Minting and checking NATS JWTs (decentralized auth, claims version 2) as nats-server accepts them:
/// header <c>{"typ":"JWT","alg":"ed25519-nkey"}</c>, unpadded base64url parts, an Ed25519 signature by
/// the issuer's NKey over <c>header.payload</c>.
/// </summary>
public static class NatsJwt
{
    private const string Header = """{"typ":"JWT","alg":"ed25519-nkey"}""";
    private const int SignatureLength = 64;

    /// <summary>Signs <paramref name="nats"/> (the claims under <c>nats</c>) for <paramref name="subject"/>.</summary>
    /// <param name="issuer">The signing key pair (operator for accounts, account for users; self for operators).</param>
    /// <param name="subject">The public key the JWT is about.</param>
    /// <param name="name">A display name.</param>
    /// <param name="type"><c>operator</c>, <c>account</c> or <c>user</c>.</param>
    /// <param name="nats">The type's claims; <c>type</c> and <c>version</c> are added.</param>
    /// <param name="issuedAt">The <c>iat</c> claim.</param>
    /// <param name="expires">The optional <c>exp</c> claim.</param>
    public static string Encode(KeyPair issuer, string subject, string name, string type, JsonObject nats, DateTimeOffset issuedAt, DateTimeOffset? expires = null)
    {
        nats["type"] = type;
        nats["version"] = 2;
        var claims = new JsonObject
        {
            ["jti"] = string.Empty,
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["iss"] = issuer.GetPublicKey(),
            ["name"] = name,
            ["sub"] = subject,
        };
        if (expires is { } exp)
        {
            claims["exp"] = exp.ToUnixTimeSeconds();
        }

        claims["nats"] = nats;

        // jti: base32 of SHA-512/256 over the claims with an empty jti (the server does not check it).
        var digest = new Sha512tDigest(256);
        var withoutId = Encoding.UTF8.GetBytes(claims.ToJsonString());
        digest.BlockUpdate(withoutId, 0, withoutId.Length);
        var hash = new byte[32];
        digest.DoFinal(hash, 0);
        var id = new char[Base32.GetEncodedLength(hash)];
        Base32.ToBase32(hash, id);
        claims["jti"] = new string(id);

        var signingInput = $"{Base64Url(Encoding.UTF8.GetBytes(Header))}.{Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()))}";
        var signature = new byte[SignatureLength];
        issuer.Sign(Encoding.ASCII.GetBytes(signingInput), signature);
        return $"{signingInput}.{Base64Url(signature)}";
    }

    /// <summary>Decodes a JWT and verifies its signature against its <c>iss</c>; null when either fails.</summary>
    public static JsonObject? DecodeVerified(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var claims = JsonNode.Parse(FromBase64Url(parts[1])) as JsonObject;
            var issuerKey = claims?["iss"]?.GetValue<string>();
            var signature = FromBase64Url(parts[2]);
            if (issuerKey is null || !IsIssuer(issuerKey) || signature.Length != SignatureLength)
            {
                return null;
            }

            using var issuer = KeyPair.FromPublicKey(issuerKey);
            return issuer.Verify(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), signature) ? claims : null;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NKeysException)
        {
            return null;
        }
    }

    /// <summary>A <c>.creds</c> file: the user JWT and the user's seed, in the layout NATS clients read.</summary>
    public static string FormatCreds(string userJwt, string userSeed) => $"""
        -----BEGIN NATS USER JWT-----
        {userJwt}
        ------END NATS USER JWT------

        ************************* IMPORTANT *************************
        NKEY Seed printed below can be used to sign and prove identity.
        NKEYs are sensitive and should be treated as secrets.

        -----BEGIN USER NKEY SEED-----
        {userSeed}
        ------END USER NKEY SEED------

        *************************************************************

        """;

    /// <summary>Unpadded base64url.</summary>
    public static string Base64Url(ReadOnlySpan<byte> data) =>
        Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // Operators sign operators and accounts, accounts sign users.
    private static bool IsIssuer(string key) => NKeyText.IsPublicKey(key, PrefixByte.Operator) || NKeyText.IsPublicKey(key, PrefixByte.Account);

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        return Convert.FromBase64String(padded);
    }
}
