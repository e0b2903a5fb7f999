namespace RavenXcope.ServiceDefaults.ApiKeys;

/// <summary>Why a presented key is refused.</summary>
public enum ApiKeyRefusal
{
    /// <summary>Not refused.</summary>
    None,

    /// <summary>Malformed, unknown, or the secret does not match.</summary>
    Unknown,

    /// <summary>The secret matches, but the key was revoked.</summary>
    Revoked,

    /// <summary>The secret matches, but the key's expiry has passed.</summary>
    Expired,
}

/// <summary>The outcome of checking a presented key: its identity, or the refusal.</summary>
public sealed record ApiKeyVerification(ApiKeyIdentity? Identity, ApiKeyRefusal Refusal)
{
    /// <summary>A refusal.</summary>
    public static ApiKeyVerification Refused(ApiKeyRefusal refusal) => new(null, refusal);
}
