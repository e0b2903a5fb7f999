using RavenXcope.Grains.Model;

namespace RavenXcope.Grains;

/// <summary>A claim code, keyed by its digest (<see cref="Identifiers.ClaimCodeKey"/>); the code itself is never stored.</summary>
[Alias("RavenXcope.IClaimCodeGrain")]
public interface IClaimCodeGrain : IGrainWithStringKey
{
    /// <summary>Records the code as issued for one sensor until <paramref name="expiresAt"/>.</summary>
    Task IssueAsync(string tenantId, string sensorId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Redeems the code for a CSR: persists the redemption, then has the sensor issue the certificate.
    /// Every refusal is the same, whatever the reason.
    /// </summary>
    Task<Result<IssuedCertificate>> RedeemAsync(string csrPem, HostMetadata host, CancellationToken cancellationToken = default);

    /// <summary>Withdraws the code if it has not been redeemed.</summary>
    Task WithdrawAsync(CancellationToken cancellationToken = default);
}
