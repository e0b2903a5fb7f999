using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RavenXcope.TestSupport;

namespace NATS.NKeys.Tests;

/// <summary>Keys and signatures made by ours verify in the official @nats-io/nkeys, and the other way round.</summary>
public class InteropTests
{
    [Fact]
    public async Task Ours_and_the_official_JavaScript_nkeys_accept_each_others_keys_and_signatures()
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
                ["signature"] = Convert.ToBase64String(pair.Sign(data)),
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
            using var fromSeed = KeyPair.FromSeed(item["seed"]!.GetValue<string>());
            Assert.Equal(expectedRole, fromSeed.Role);
            Assert.Equal(item["publicKey"]!.GetValue<string>(), fromSeed.GetPublicKey());

            using var verifier = KeyPair.FromPublicKey(item["publicKey"]!.GetValue<string>());
            var data = Convert.FromBase64String(item["data"]!.GetValue<string>());
            var signature = Convert.FromBase64String(item["signature"]!.GetValue<string>());
            Assert.True(verifier.Verify(data, signature), $"our verifier rejected a signature by nkeys.js ({expectedRole})");
            Assert.Equal(signature, fromSeed.Sign(data));
        }
    }
}
