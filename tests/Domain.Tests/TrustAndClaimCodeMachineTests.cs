using RavenXcope.Protocol.Problems;

namespace RavenXcope.Domain.Tests;

public sealed class TrustAndClaimCodeMachineTests
{
    private static readonly TrustPolicy Policy = new();
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(720 * 60, TrustState.Trusted)]
    [InlineData(3 * 24 * 60 + 1, TrustState.Trusted)]
    [InlineData(3 * 24 * 60, TrustState.RenewalRecommended)]
    [InlineData(24 * 60 + 1, TrustState.RenewalRecommended)]
    [InlineData(24 * 60, TrustState.RenewalDue)]
    [InlineData(1, TrustState.RenewalDue)]
    [InlineData(0, TrustState.Expired)]
    [InlineData(-60, TrustState.Expired)]
    public void Trust_follows_the_time_left_on_the_certificate(int minutesLeft, TrustState expected)
    {
        Assert.Equal(expected, TrustEvaluator.Evaluate(SensorLifecycle.Enrolled, Now.AddMinutes(minutesLeft), Now, Policy));
        Assert.Equal(expected, TrustEvaluator.Evaluate(SensorLifecycle.Disabled, Now.AddMinutes(minutesLeft), Now, Policy));
    }

    [Fact]
    public void Revocation_overrides_time_and_no_certificate_means_no_trust_state()
    {
        Assert.Equal(TrustState.TrustRevoked, TrustEvaluator.Evaluate(SensorLifecycle.Revoked, Now.AddDays(20), Now, Policy));
        Assert.Equal(TrustState.None, TrustEvaluator.Evaluate(SensorLifecycle.Registered, null, Now, Policy));
    }

    [Fact]
    public void The_next_change_is_the_next_threshold_and_none_after_expiry_or_revocation()
    {
        var notAfter = Now.AddDays(30);
        Assert.Equal(notAfter.AddDays(-3), TrustEvaluator.NextChange(SensorLifecycle.Enrolled, notAfter, Now, Policy));
        Assert.Equal(notAfter.AddDays(-1), TrustEvaluator.NextChange(SensorLifecycle.Enrolled, notAfter, notAfter.AddDays(-2), Policy));
        Assert.Equal(notAfter, TrustEvaluator.NextChange(SensorLifecycle.Enrolled, notAfter, notAfter.AddHours(-1), Policy));
        Assert.Null(TrustEvaluator.NextChange(SensorLifecycle.Enrolled, notAfter, notAfter, Policy));
        Assert.Null(TrustEvaluator.NextChange(SensorLifecycle.Revoked, notAfter, Now, Policy));
        Assert.Null(TrustEvaluator.NextChange(SensorLifecycle.Registered, null, Now, Policy));
    }

    [Fact]
    public void An_issued_code_is_redeemed_once_before_it_expires()
    {
        var outcome = ClaimCodeMachine.Redeem(ClaimCodeStatus.Issued, Now.AddHours(1), null, null, "key-a", Now, Policy);
        Assert.Equal(ClaimCodeStatus.Redeemed, outcome.State);
        Assert.True(outcome.Changed);
        Assert.False(outcome.IsRefused);
    }

    [Fact]
    public void An_expired_code_moves_to_expired_and_is_refused()
    {
        var outcome = ClaimCodeMachine.Redeem(ClaimCodeStatus.Issued, Now, null, null, "key-a", Now, Policy);
        Assert.Equal(ClaimCodeStatus.Expired, outcome.State);
        Assert.True(outcome.Changed);
        Assert.Equal(ProblemCodes.EnrollmentRefused.Code, outcome.Refusal!.Code);
    }

    [Fact]
    public void A_redeemed_code_answers_only_a_retry_with_the_same_key_within_the_window()
    {
        var redeemedAt = Now.AddMinutes(-1);
        Assert.False(ClaimCodeMachine.Redeem(ClaimCodeStatus.Redeemed, Now.AddHours(1), "key-a", redeemedAt, "key-a", Now, Policy).IsRefused);
        Assert.True(ClaimCodeMachine.Redeem(ClaimCodeStatus.Redeemed, Now.AddHours(1), "key-a", redeemedAt, "key-b", Now, Policy).IsRefused);
        Assert.True(ClaimCodeMachine.Redeem(ClaimCodeStatus.Redeemed, Now.AddHours(1), "key-a", Now.AddMinutes(-11), "key-a", Now, Policy).IsRefused);
    }

    [Theory]
    [InlineData(ClaimCodeStatus.None)]
    [InlineData(ClaimCodeStatus.Expired)]
    [InlineData(ClaimCodeStatus.Withdrawn)]
    public void Unknown_expired_and_withdrawn_codes_get_the_same_refusal(ClaimCodeStatus status)
    {
        var outcome = ClaimCodeMachine.Redeem(status, Now.AddHours(1), null, null, "key-a", Now, Policy);
        Assert.Equal(ProblemCodes.EnrollmentRefused.Code, outcome.Refusal!.Code);
        Assert.Equal("the claim code is not valid", outcome.Refusal.Detail);
        Assert.Equal(status, outcome.State);
    }

    [Fact]
    public void Only_an_issued_code_is_withdrawn_or_expired()
    {
        Assert.Equal(ClaimCodeStatus.Withdrawn, ClaimCodeMachine.Withdraw(ClaimCodeStatus.Issued).State);
        Assert.False(ClaimCodeMachine.Withdraw(ClaimCodeStatus.Redeemed).Changed);
        Assert.Equal(ClaimCodeStatus.Expired, ClaimCodeMachine.Expire(ClaimCodeStatus.Issued, Now, Now).State);
        Assert.False(ClaimCodeMachine.Expire(ClaimCodeStatus.Issued, Now.AddSeconds(1), Now).Changed);
        Assert.False(ClaimCodeMachine.Expire(ClaimCodeStatus.Redeemed, Now, Now).Changed);
    }

    [Fact]
    public void The_certificate_gate_accepts_the_current_and_the_previous_within_the_overlap_only()
    {
        var state = new Holder
        {
            Lifecycle = SensorLifecycle.Enrolled,
            CurrentCertificate = new HeldCertificate("AA01", Now.AddDays(30)),
            PreviousCertificate = new HeldCertificate("AA00", Now.AddDays(2)),
            PreviousAcceptedUntil = Now.AddHours(1),
        };

        Assert.Null(CertificateGate.Check(state, "aa01", Now, out var previous));
        Assert.False(previous);
        Assert.Null(CertificateGate.Check(state, "AA00", Now, out previous));
        Assert.True(previous);
        Assert.Equal(ProblemCodes.CertificateNotCurrent.Code, CertificateGate.Check(state, "AA00", Now.AddHours(2), out _)!.Code);
        Assert.Equal(ProblemCodes.CertificateNotCurrent.Code, CertificateGate.Check(state, "BB00", Now, out _)!.Code);
        Assert.Equal(ProblemCodes.CertificateExpired.Code, CertificateGate.Check(state, "AA01", Now.AddDays(31), out _)!.Code);

        state.Lifecycle = SensorLifecycle.Disabled;
        Assert.Equal(ProblemCodes.SensorDisabled.Code, CertificateGate.Check(state, "AA01", Now, out _)!.Code);
        state.Lifecycle = SensorLifecycle.Revoked;
        Assert.Equal(ProblemCodes.SensorRevoked.Code, CertificateGate.Check(state, "AA01", Now, out _)!.Code);
    }

    [Fact]
    public void A_certificate_of_an_identity_retired_by_a_revocation_is_refused_as_revoked()
    {
        var state = new Holder
        {
            Lifecycle = SensorLifecycle.Enrolled,
            CurrentCertificate = new HeldCertificate("CC02", Now.AddDays(30)),
            Retired = ["cc01"],
        };

        Assert.Equal(ProblemCodes.SensorRevoked.Code, CertificateGate.Check(state, "CC01", Now, out _)!.Code);
        Assert.Null(CertificateGate.Check(state, "CC02", Now, out _));
    }

    private sealed class Holder : ICertificateHolder
    {
        public SensorLifecycle Lifecycle { get; set; }

        public HeldCertificate? CurrentCertificate { get; init; }

        public HeldCertificate? PreviousCertificate { get; init; }

        public DateTimeOffset? PreviousAcceptedUntil { get; init; }

        public IReadOnlyList<string> Retired { get; init; } = [];

        public bool IsRetiredSerial(string serial) => Retired.Any(r => CertificateGate.SameSerial(r, serial));
    }

    [Fact]
    public void Claim_codes_carry_160_random_bits_and_only_their_digest_is_a_key()
    {
        var codes = Enumerable.Range(0, 1000).Select(_ => ClaimCodes.NewCode()).ToList();
        Assert.Equal(1000, codes.Distinct().Count());
        Assert.All(codes, c => Assert.True(ClaimCodes.IsWellFormed(c), c));
        Assert.All(codes, c => Assert.Equal(64, ClaimCodes.Digest(c).Length));
        Assert.False(ClaimCodes.IsWellFormed("rxc_tooshort"));
        Assert.False(ClaimCodes.IsWellFormed(codes[0].ToUpperInvariant()));

        // Every position of the code varies: no constant filler that would lower the entropy.
        for (var i = ClaimCodes.Prefix.Length; i < codes[0].Length; i++)
        {
            Assert.True(codes.Select(c => c[i]).Distinct().Count() > 16, $"position {i} hardly varies");
        }
    }
}
