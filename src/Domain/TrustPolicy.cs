namespace RavenXcope.Domain;

/// <summary>The certificate lifecycle's numbers (the defaults of the certificate lifecycle: 720 h certificates, renewal recommended at 3 days and due at 1 day left).</summary>
public sealed record TrustPolicy
{
    /// <summary>Lifetime of an issued certificate (720 h).</summary>
    public TimeSpan CertificateLifetime { get; init; } = TimeSpan.FromHours(720);

    /// <summary>Below this much time left the trust state is <c>renewal_recommended</c> (3 days).</summary>
    public TimeSpan RenewalRecommendedBefore { get; init; } = TimeSpan.FromDays(3);

    /// <summary>Below this much time left the trust state is <c>renewal_due</c> (1 day).</summary>
    public TimeSpan RenewalDueBefore { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How long the previous certificate stays accepted after a renewal (24 h).</summary>
    public TimeSpan RenewalOverlap { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long a retry of an enrollment with the same key gets the same certificate (10 min).</summary>
    public TimeSpan EnrollmentRetryWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Heartbeat interval given to agents (30 s).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Validity of a claim code when the operator names none (1 h).</summary>
    public TimeSpan DefaultClaimCodeLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Longest validity an operator may give a claim code (7 days).</summary>
    public TimeSpan MaxClaimCodeLifetime { get; init; } = TimeSpan.FromDays(7);
}
