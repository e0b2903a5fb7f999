namespace RavenXcope.Grains.State;

/// <summary>A certificate held by a sensor, as its grain persists it.</summary>
[GenerateSerializer, Alias("RavenXcope.CertificateRecord")]
public sealed class CertificateRecord
{
    /// <summary>Serial number, upper-case hex as .NET prints it.</summary>
    [Id(0)] public string Serial { get; set; } = string.Empty;

    /// <summary>SHA-256 of the certificate.</summary>
    [Id(1)] public string Fingerprint { get; set; } = string.Empty;

    /// <summary>SHA-256 of the certified public key (SubjectPublicKeyInfo).</summary>
    [Id(2)] public string KeyFingerprint { get; set; } = string.Empty;

    /// <summary>Start of validity.</summary>
    [Id(3)] public DateTimeOffset NotBefore { get; set; }

    /// <summary>End of validity.</summary>
    [Id(4)] public DateTimeOffset NotAfter { get; set; }

    /// <summary>The certificate itself (public), so that a retried enrollment gets the same one.</summary>
    [Id(5)] public string CertificatePem { get; set; } = string.Empty;

    /// <summary>Digest of the claim code it was enrolled with, for the first certificate.</summary>
    [Id(6)] public string? ClaimCodeDigest { get; set; }

    /// <summary>When it was issued (its not-before is earlier, to allow for clock skew); null for older records.</summary>
    [Id(7)] public DateTimeOffset? IssuedAt { get; set; }
}
