using RavenXcope.Protocol.Problems;

namespace RavenXcope.Domain.Tests;

/// <summary>Every command from every lifecycle: the allowed ones and the refused ones, with their codes.</summary>
public sealed class SensorLifecycleMachineTests
{
    public static TheoryData<SensorLifecycle, SensorLifecycle?, string?> EnrollCases => new()
    {
        { SensorLifecycle.Registered, SensorLifecycle.Enrolled, null },
        { SensorLifecycle.Enrolled, null, ProblemCodes.SensorAlreadyEnrolled.Code },
        { SensorLifecycle.Disabled, null, ProblemCodes.SensorDisabled.Code },
        { SensorLifecycle.Revoked, SensorLifecycle.Enrolled, null },
    };

    public static TheoryData<SensorLifecycle, SensorLifecycle?, string?> DisableCases => new()
    {
        { SensorLifecycle.Registered, SensorLifecycle.Disabled, null },
        { SensorLifecycle.Enrolled, SensorLifecycle.Disabled, null },
        { SensorLifecycle.Disabled, SensorLifecycle.Disabled, null },
        { SensorLifecycle.Revoked, null, ProblemCodes.SensorRevoked.Code },
    };

    public static TheoryData<SensorLifecycle, SensorLifecycle?, string?> RevokeCases => new()
    {
        { SensorLifecycle.Registered, SensorLifecycle.Revoked, null },
        { SensorLifecycle.Enrolled, SensorLifecycle.Revoked, null },
        { SensorLifecycle.Disabled, SensorLifecycle.Revoked, null },
        { SensorLifecycle.Revoked, SensorLifecycle.Revoked, null },
    };

    public static TheoryData<SensorLifecycle, SensorLifecycle?, string?> RenewCases => new()
    {
        { SensorLifecycle.Registered, null, ProblemCodes.SensorNotEnrolled.Code },
        { SensorLifecycle.Enrolled, SensorLifecycle.Enrolled, null },
        { SensorLifecycle.Disabled, null, ProblemCodes.SensorDisabled.Code },
        { SensorLifecycle.Revoked, null, ProblemCodes.SensorRevoked.Code },
    };

    public static TheoryData<SensorLifecycle, SensorLifecycle?, string?> ClaimCodeCases => new()
    {
        { SensorLifecycle.Registered, SensorLifecycle.Registered, null },
        { SensorLifecycle.Enrolled, null, ProblemCodes.SensorAlreadyEnrolled.Code },
        { SensorLifecycle.Disabled, null, ProblemCodes.SensorDisabled.Code },
        { SensorLifecycle.Revoked, SensorLifecycle.Revoked, null },
    };

    [Theory]
    [MemberData(nameof(EnrollCases))]
    public void Enroll(SensorLifecycle from, SensorLifecycle? to, string? refusal) => Check(SensorLifecycleMachine.Enroll(from), from, to, refusal);

    [Theory]
    [MemberData(nameof(DisableCases))]
    public void Disable(SensorLifecycle from, SensorLifecycle? to, string? refusal) => Check(SensorLifecycleMachine.Disable(from), from, to, refusal);

    [Theory]
    [MemberData(nameof(RevokeCases))]
    public void Revoke(SensorLifecycle from, SensorLifecycle? to, string? refusal) => Check(SensorLifecycleMachine.Revoke(from), from, to, refusal);

    [Theory]
    [MemberData(nameof(RenewCases))]
    public void Renew(SensorLifecycle from, SensorLifecycle? to, string? refusal) => Check(SensorLifecycleMachine.Renew(from), from, to, refusal);

    [Theory]
    [MemberData(nameof(ClaimCodeCases))]
    public void IssueClaimCode(SensorLifecycle from, SensorLifecycle? to, string? refusal) => Check(SensorLifecycleMachine.IssueClaimCode(from), from, to, refusal);

    [Theory]
    [InlineData(SensorLifecycle.Disabled, true, SensorLifecycle.Enrolled, null)]
    [InlineData(SensorLifecycle.Disabled, false, SensorLifecycle.Registered, null)]
    [InlineData(SensorLifecycle.Registered, false, SensorLifecycle.Registered, null)]
    [InlineData(SensorLifecycle.Enrolled, true, SensorLifecycle.Enrolled, null)]
    [InlineData(SensorLifecycle.Revoked, true, null, "sensor_revoked")]
    public void Enable_returns_to_where_the_sensor_was(SensorLifecycle from, bool hasCertificate, SensorLifecycle? to, string? refusal) =>
        Check(SensorLifecycleMachine.Enable(from, hasCertificate), from, to, refusal);

    [Fact]
    public void Only_real_moves_report_a_change()
    {
        Assert.True(SensorLifecycleMachine.Disable(SensorLifecycle.Enrolled).Changed);
        Assert.False(SensorLifecycleMachine.Disable(SensorLifecycle.Disabled).Changed);
        Assert.False(SensorLifecycleMachine.Revoke(SensorLifecycle.Revoked).Changed);
        Assert.False(SensorLifecycleMachine.Enroll(SensorLifecycle.Enrolled).Changed);
    }

    private static void Check(Outcome<SensorLifecycle> outcome, SensorLifecycle from, SensorLifecycle? to, string? refusal)
    {
        if (refusal is null)
        {
            Assert.False(outcome.IsRefused, outcome.Refusal?.Detail);
            Assert.Equal(to, outcome.State);
            Assert.Equal(to != from, outcome.Changed);
        }
        else
        {
            Assert.True(outcome.IsRefused);
            Assert.Equal(refusal, outcome.Refusal!.Code);
            Assert.Equal(from, outcome.State);
            Assert.False(outcome.Changed);
        }
    }
}
