using System.Text.RegularExpressions;

namespace RavenXcope.Grains.Model;

/// <summary>
/// Tenant and sensor ids: lower-case letters, digits and inner hyphens, 2 to 63 characters. They
/// appear in NATS subjects, certificate subjects and grain keys, so nothing else is allowed.
/// </summary>
public static partial class Identifiers
{
    /// <summary>True when <paramref name="value"/> is a valid tenant or sensor id.</summary>
    public static bool IsValid(string? value) => value is not null && IdPattern().IsMatch(value);

    /// <summary>Grain key of a tenant. The prefix keeps ids like "cafe" from parsing as hex numbers.</summary>
    public static string TenantKey(string tenantId) => $"t:{tenantId}";

    /// <summary>Grain key of a sensor.</summary>
    public static string SensorKey(string tenantId, string sensorId) => $"s:{tenantId}/{sensorId}";

    /// <summary>Splits a sensor grain key into its tenant and sensor ids.</summary>
    public static (string TenantId, string SensorId) ParseSensorKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return (key[2..slash], key[(slash + 1)..]);
    }

    /// <summary>Grain key of a tenant's audit chain.</summary>
    public static string AuditKey(string tenantId) => $"a:{tenantId}";

    /// <summary>Grain key of a claim code: the digest of the code, never the code.</summary>
    public static string ClaimCodeKey(string digest) => $"c:{digest}";

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
