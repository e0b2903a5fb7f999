using RavenXcope.Grains.Model;

namespace RavenXcope.Grains;

/// <summary>A claim code, keyed by its digest (<see cref="Identifiers.ClaimCodeKey"/>); the code itself is never stored.</summary>
[Alias("RavenXcope.IClaimCodeGrain")]
public interface IClaimCodeGrain : IGrainWithStringKey
{
    /// <summary>Records the code as issued for one sensor until <paramref name="expiresAt"/>.</summary>
    Task IssueAsync(string tenantId, string sensorId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Redeems the code for a CSR: checks the CSR whole (a refused CSR is answered with its <c>csr_*</c> code
    /// before the code is looked at, so that answer says nothing about the code), persists the redemption,
    /// then has the sensor issue the certificate. Every refusal that concerns the code is the same,
    /// whatever the reason.
    /// </summary>
    Task<Result<IssuedCertificate>> RedeemAsync(string csrPem, HostMetadata host, CancellationToken cancellationToken = default);

    /// <summary>For the Orleans Dashboard's grain details: status, binding and times (the code itself is never stored).</summary>
    Task<ClaimCodeSnapshot> GetState();

    /// <summary>Withdraws the code if it has not been redeemed.</summary>
    /// <remarks>
    /// Interleaves: the sensor withdraws a code while that code's redemption may be waiting on the sensor,
    /// and a withdrawal changes nothing once the redemption has recorded itself, so it is safe to run in
    /// between — and without it the two grains would wait on each other until the call timeout.
    /// </remarks>
    [Orleans.Concurrency.AlwaysInterleave]
    Task WithdrawAsync(CancellationToken cancellationToken = default);
}
