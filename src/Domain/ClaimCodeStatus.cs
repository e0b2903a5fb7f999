using System.Text.Json.Serialization;

namespace RavenXcope.Domain;

/// <summary>Where a claim code stands. Stored by name: never rename a member.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ClaimCodeStatus>))]
public enum ClaimCodeStatus
{
    /// <summary>Not issued (no such code).</summary>
    None,

    /// <summary>Issued and waiting to be redeemed.</summary>
    Issued,

    /// <summary>Redeemed by one enrollment.</summary>
    Redeemed,

    /// <summary>Its time ran out before it was redeemed.</summary>
    Expired,

    /// <summary>Withdrawn (the sensor was revoked, or a newer code replaced it).</summary>
    Withdrawn,
}
