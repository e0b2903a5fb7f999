using System.Text.Json.Nodes;

namespace RavenXcope.NatsAuth;

/// <summary>The claim shapes RavenXcope mints. Every limit is explicit: nats-server reads a missing limit as zero.</summary>
public static class NatsClaims
{
    /// <summary>Operator claims: the system account, and the resolver URL.</summary>
    public static JsonObject Operator(string systemAccount, string? accountServerUrl)
    {
        var claims = new JsonObject { ["system_account"] = systemAccount, ["signing_keys"] = new JsonArray() };
        if (accountServerUrl is not null)
        {
            claims["account_server_url"] = accountServerUrl;
        }

        return claims;
    }

    /// <summary>
    /// Account claims with unlimited core limits, JetStream on or off (the SYS account must not have it),
    /// and user revocations (public key → unix seconds: JWTs issued at or before are revoked).
    /// </summary>
    public static JsonObject Account(bool jetStream, IReadOnlyDictionary<string, long>? revocations = null)
    {
        var limits = new JsonObject
        {
            ["subs"] = -1,
            ["data"] = -1,
            ["payload"] = -1,
            ["imports"] = -1,
            ["exports"] = -1,
            ["wildcards"] = true,
            ["conn"] = -1,
            ["leaf"] = -1,
        };
        if (jetStream)
        {
            limits["mem_storage"] = -1;
            limits["disk_storage"] = -1;
            limits["streams"] = -1;
            limits["consumer"] = -1;
        }

        var claims = new JsonObject
        {
            ["limits"] = limits,
            ["default_permissions"] = new JsonObject { ["pub"] = new JsonObject(), ["sub"] = new JsonObject() },
        };
        if (revocations is { Count: > 0 })
        {
            var revoked = new JsonObject();
            foreach (var (key, at) in revocations.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                revoked[key] = at;
            }

            claims["revocations"] = revoked;
        }

        return claims;
    }

    /// <summary>
    /// User claims with exactly the given publish and subscribe allow lists. With <paramref name="allowResponses"/>
    /// the user may also answer each request it receives once (nats-server's <c>allow_responses</c>), to the
    /// reply subject the requester chose, without a publish permission on every inbox.
    /// </summary>
    public static JsonObject User(IEnumerable<string> publish, IEnumerable<string> subscribe, bool allowResponses = false)
    {
        var claims = new JsonObject
        {
            ["pub"] = new JsonObject { ["allow"] = new JsonArray(publish.Select(s => (JsonNode?)s).ToArray()) },
            ["sub"] = new JsonObject { ["allow"] = new JsonArray(subscribe.Select(s => (JsonNode?)s).ToArray()) },
            ["subs"] = -1,
            ["data"] = -1,
            ["payload"] = -1,
        };
        if (allowResponses)
        {
            claims["resp"] = new JsonObject { ["max"] = 1, ["ttl"] = 0 };
        }

        return claims;
    }
}
