using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace RavenXcope.Silo.Trust;

/// <summary>The certificate lifecycle's numbers, as configured (the defaults of the certificate lifecycle: 720 h certificates, renewal recommended at 3 days and due at 1 day left).</summary>
public sealed class TrustOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Trust";

    /// <summary>Lifetime of issued certificates, hours.</summary>
    [Range(1, 24 * 398)]
    public int CertificateTtlHours { get; set; } = 720;

    /// <summary>Below this many seconds left: renewal_recommended.</summary>
    [Range(60, int.MaxValue)]
    public int RenewalRecommendedSeconds { get; set; } = 259200;

    /// <summary>Below this many seconds left: renewal_due.</summary>
    [Range(60, int.MaxValue)]
    public int RenewalDueSeconds { get; set; } = 86400;

    /// <summary>How long the previous certificate stays accepted after a renewal, seconds.</summary>
    [Range(0, int.MaxValue)]
    public int RenewalOverlapSeconds { get; set; } = 86400;

    /// <summary>Heartbeat interval given to agents, seconds.</summary>
    [Range(1, 3600)]
    public int HeartbeatIntervalSeconds { get; set; } = 30;

    /// <summary>Default validity of a claim code, seconds.</summary>
    [Range(60, 604800)]
    public int ClaimCodeTtlSeconds { get; set; } = 3600;

    /// <summary>The policy the grains use.</summary>
    public TrustPolicy ToPolicy() => new()
    {
        CertificateLifetime = TimeSpan.FromHours(CertificateTtlHours),
        RenewalRecommendedBefore = TimeSpan.FromSeconds(RenewalRecommendedSeconds),
        RenewalDueBefore = TimeSpan.FromSeconds(RenewalDueSeconds),
        RenewalOverlap = TimeSpan.FromSeconds(RenewalOverlapSeconds),
        HeartbeatInterval = TimeSpan.FromSeconds(HeartbeatIntervalSeconds),
        DefaultClaimCodeLifetime = TimeSpan.FromSeconds(ClaimCodeTtlSeconds),
    };
}

/// <summary>Checks <see cref="TrustOptions"/>' annotations (generated).</summary>
[OptionsValidator]
public sealed partial class TrustOptionsValidator : IValidateOptions<TrustOptions>;
