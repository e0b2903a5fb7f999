using System.Text;
using System.Text.Json.Nodes;
using RavenXcope.TestSupport;

namespace RavenXcope.NatsAuth.Tests;

/// <summary>
/// The keys we make with the NATS.NKeys package, and the seeds we read back, are the keys the official
/// @nats-io/nkeys makes and reads: seeds, public keys and signatures cross over both ways.
/// </summary>
public class InteropTests
{
    [Fact]
    public async Task Our_keys_and_the_official_JavaScript_nkeys_accept_each_others_seeds_and_signatures()
    {
        var ours = new JsonArray();
        foreach (var role in new[] { PrefixByte.Operator, PrefixByte.Account, PrefixByte.User })
        {
            using var pair = KeyPair.CreatePair(role);
            var data = Encoding.UTF8.GetBytes($"signed by RavenXcope as {role}");
            ours.Add(new JsonObject
            {
                ["seed"] = pair.GetSeed(),
                ["publicKey"] = pair.GetPublicKey(),
                ["data"] = Convert.ToBase64String(data),
                ["signature"] = Convert.ToBase64String(Sign(pair, data)),
            });
        }

        var output = await NodeInterop.RunAsync("nkeys-check.mjs", new JsonObject { ["ours"] = ours }.ToJsonString());
        var result = JsonNode.Parse(output)!;

        var verdicts = result["ours"]!.AsArray();
        Assert.Equal(3, verdicts.Count);
        foreach (var verdict in verdicts)
        {
            Assert.True(verdict!["publicKeyMatches"]!.GetValue<bool>(), "nkeys.js derived another public key from our seed");
            Assert.True(verdict["signatureVerifies"]!.GetValue<bool>(), "nkeys.js rejected our signature");
            Assert.False(verdict["tamperedVerifies"]!.GetValue<bool>(), "nkeys.js accepted our signature over changed data");
        }

        var theirs = result["theirs"]!.AsArray();
        Assert.Equal(3, theirs.Count);
        foreach (var item in theirs)
        {
            var expectedRole = Enum.Parse<PrefixByte>(item!["role"]!.GetValue<string>(), ignoreCase: true);
            var publicKey = item["publicKey"]!.GetValue<string>();
            Assert.True(NKeyText.IsPublicKey(publicKey, expectedRole), $"a {expectedRole} key of nkeys.js was refused");

            using var fromSeed = NKeyText.ParseSeed(item["seed"]!.GetValue<string>());
            Assert.Equal(expectedRole, fromSeed.Prefix);
            Assert.Equal(publicKey, fromSeed.GetPublicKey());
            Assert.Equal(item["seed"]!.GetValue<string>(), fromSeed.GetSeed());

            using var verifier = KeyPair.FromPublicKey(publicKey);
            var data = Convert.FromBase64String(item["data"]!.GetValue<string>());
            var signature = Convert.FromBase64String(item["signature"]!.GetValue<string>());
            Assert.True(verifier.Verify(data, signature), $"a signature by nkeys.js did not verify ({expectedRole})");
            Assert.Equal(signature, Sign(fromSeed, data));
        }
    }

    private static byte[] Sign(KeyPair pair, byte[] data)
    {
        var signature = new byte[64];
        pair.Sign(data, signature);
        return signature;
    }
}
