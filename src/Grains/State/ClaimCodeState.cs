using RavenXcope.Grains.Model;

namespace RavenXcope.Grains.State;

/// <summary>Persisted state of a claim-code grain. The code itself is never stored, only its digest (the key).</summary>
[GenerateSerializer, Alias("RavenXcope.ClaimCodeState")]
public sealed class ClaimCodeState
{
    /// <summary>Where the code stands.</summary>
    [Id(0)] public ClaimCodeStatus Status { get; set; }

    /// <summary>Tenant the code is bound to.</summary>
    [Id(1)] public string TenantId { get; set; } = string.Empty;

    /// <summary>Sensor the code is bound to.</summary>
    [Id(2)] public string SensorId { get; set; } = string.Empty;

    /// <summary>End of validity.</summary>
    [Id(3)] public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When it was redeemed.</summary>
    [Id(4)] public DateTimeOffset? RedeemedAt { get; set; }

    /// <summary>Fingerprint of the CSR public key it was redeemed for.</summary>
    [Id(5)] public string? RedeemedKeyFingerprint { get; set; }

    /// <summary>When it was issued.</summary>
    [Id(6)] public DateTimeOffset IssuedAt { get; set; }
}
