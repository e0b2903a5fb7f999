using RavenXcope.Protocol.Problems;

namespace RavenXcope.Domain;

/// <summary>
/// Claim codes: <c>Issued → Redeemed | Expired | Withdrawn</c>. A redeemed code answers again only to
/// a retry with the same CSR public key within the retry window. Every refusal is the same
/// <see cref="ProblemCodes.EnrollmentRefused"/>, so the answer tells nothing about the code. Pure.
/// </summary>
public static class ClaimCodeMachine
{
    private const string RefusalDetail = "the claim code is not valid";

    /// <summary>Redeems the code for a CSR whose public key has fingerprint <paramref name="keyFingerprint"/>.</summary>
    public static Outcome<ClaimCodeStatus> Redeem(
        ClaimCodeStatus from,
        DateTimeOffset expiresAt,
        string? redeemedKeyFingerprint,
        DateTimeOffset? redeemedAt,
        string keyFingerprint,
        DateTimeOffset now,
        TrustPolicy policy)
    {
        switch (from)
        {
            case ClaimCodeStatus.Issued when now >= expiresAt:
                return new Outcome<ClaimCodeStatus>(ClaimCodeStatus.Expired, true, new Refusal(ProblemCodes.EnrollmentRefused, RefusalDetail));
            case ClaimCodeStatus.Issued:
                return Outcome<ClaimCodeStatus>.MovedTo(ClaimCodeStatus.Redeemed);
            case ClaimCodeStatus.Redeemed
                when string.Equals(redeemedKeyFingerprint, keyFingerprint, StringComparison.Ordinal)
                     && redeemedAt is { } at && now < at + policy.EnrollmentRetryWindow:
                return Outcome<ClaimCodeStatus>.Unchanged(from);
            default:
                return Outcome<ClaimCodeStatus>.Refused(from, ProblemCodes.EnrollmentRefused, RefusalDetail);
        }
    }

    /// <summary>Withdraws a code that has not been redeemed.</summary>
    public static Outcome<ClaimCodeStatus> Withdraw(ClaimCodeStatus from) => from == ClaimCodeStatus.Issued
        ? Outcome<ClaimCodeStatus>.MovedTo(ClaimCodeStatus.Withdrawn)
        : Outcome<ClaimCodeStatus>.Unchanged(from);

    /// <summary>Marks an issued code expired once its time has run out (from its reminder).</summary>
    public static Outcome<ClaimCodeStatus> Expire(ClaimCodeStatus from, DateTimeOffset expiresAt, DateTimeOffset now) =>
        from == ClaimCodeStatus.Issued && now >= expiresAt
            ? Outcome<ClaimCodeStatus>.MovedTo(ClaimCodeStatus.Expired)
            : Outcome<ClaimCodeStatus>.Unchanged(from);
}
