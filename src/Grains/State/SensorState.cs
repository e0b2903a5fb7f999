using RavenXcope.Grains.Model;

namespace RavenXcope.Grains.State;

/// <summary>Persisted state of a sensor grain. Members are stored by name: never rename one.</summary>
[GenerateSerializer, Alias("RavenXcope.SensorState")]
public sealed class SensorState : ICertificateHolder
{
    /// <summary>False until an operator registered the sensor.</summary>
    [Id(0)] public bool Exists { get; set; }

    /// <summary>Tenant id.</summary>
    [Id(1)] public string TenantId { get; set; } = string.Empty;

    /// <summary>Sensor id.</summary>
    [Id(2)] public string SensorId { get; set; } = string.Empty;

    /// <summary>Display name.</summary>
    [Id(3)] public string Name { get; set; } = string.Empty;

    /// <summary>Lifecycle.</summary>
    [Id(4)] public SensorLifecycle Lifecycle { get; set; }

    /// <summary>Trust state as last evaluated on a transition.</summary>
    [Id(5)] public TrustState TrustState { get; set; }

    /// <summary>The current certificate.</summary>
    [Id(6)] public CertificateRecord? Current { get; set; }

    /// <summary>The certificate before the last renewal.</summary>
    [Id(7)] public CertificateRecord? Previous { get; set; }

    /// <summary>Until when the previous certificate is accepted.</summary>
    [Id(8)] public DateTimeOffset? PreviousAcceptedUntil { get; set; }

    /// <summary>Bumped by an operator to make the agent renew.</summary>
    [Id(9)] public int RenewalGeneration { get; set; }

    /// <summary>Digest of the claim code that may enroll the sensor now.</summary>
    [Id(10)] public string? PendingClaimCodeDigest { get; set; }

    /// <summary>What the agent reported about its host at enrollment.</summary>
    [Id(11)] public HostMetadata? Host { get; set; }

    /// <summary>Creation time.</summary>
    [Id(12)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Last transition.</summary>
    [Id(13)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The NATS user key the agent made (public part only).</summary>
    [Id(14)] public string? NatsUserPublicKey { get; set; }

    /// <summary>When its last JWT was issued.</summary>
    [Id(15)] public DateTimeOffset? NatsUserIssuedAt { get; set; }

    /// <summary>The command ledger, newest last, at most 50 entries.</summary>
    [Id(16)] public List<CommandRecord> Commands { get; set; } = [];

    /// <summary>Suricata's state as the agent last reported a change of it.</summary>
    [Id(17)] public string? SuricataObserved { get; set; }

    /// <summary>Liveness class (online, stale, offline), persisted only when it changes class.</summary>
    [Id(18)] public string? Liveness { get; set; }

    /// <summary>When the sensor was last revoked (its identity then is in <see cref="RetiredIdentities"/> once it enrolls again).</summary>
    [Id(19)] public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Identities before a revocation, oldest first: refused for good, kept for the operator's history.</summary>
    [Id(20)] public List<RetiredIdentity> RetiredIdentities { get; set; } = [];

    /// <summary>When an operator last asked for a renewal; a current certificate issued later answers it.</summary>
    [Id(21)] public DateTimeOffset? RenewalRequestedAt { get; set; }

    HeldCertificate? ICertificateHolder.CurrentCertificate => Current is { } c ? new HeldCertificate(c.Serial, c.NotAfter) : null;

    HeldCertificate? ICertificateHolder.PreviousCertificate => Previous is { } p ? new HeldCertificate(p.Serial, p.NotAfter) : null;

    bool ICertificateHolder.IsRetiredSerial(string serial)
    {
        foreach (var retired in RetiredIdentities)
        {
            if (CertificateGate.SameSerial(retired.Serial, serial))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A certificate identity retired by a revocation.</summary>
[GenerateSerializer, Alias("RavenXcope.RetiredIdentity")]
public sealed class RetiredIdentity
{
    /// <summary>Serial of its certificate.</summary>
    [Id(0)] public string Serial { get; set; } = string.Empty;

    /// <summary>When that certificate was issued.</summary>
    [Id(1)] public DateTimeOffset CertificateIssuedAt { get; set; }

    /// <summary>When the sensor was revoked.</summary>
    [Id(2)] public DateTimeOffset RevokedAt { get; set; }

    /// <summary>The NATS user it had (public key; revoked in the account).</summary>
    [Id(3)] public string? NatsUserPublicKey { get; set; }
}
