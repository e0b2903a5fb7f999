using System.Text.Json.Serialization;

namespace RavenXcope.Domain;

/// <summary>Whether the control plane trusts a sensor's certificate, by time left and revocation.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrustState>))]
public enum TrustState
{
    /// <summary>No certificate issued yet.</summary>
    None,

    /// <summary>Valid, and renewal is not yet approaching.</summary>
    Trusted,

    /// <summary>Less than the recommended threshold (default 3 days) left.</summary>
    RenewalRecommended,

    /// <summary>Less than the due threshold (default 1 day) left: the agent renews now.</summary>
    RenewalDue,

    /// <summary>The certificate's validity has ended.</summary>
    Expired,

    /// <summary>An operator revoked the sensor.</summary>
    TrustRevoked,
}
