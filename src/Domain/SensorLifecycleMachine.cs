using RavenXcope.Protocol.Problems;

namespace RavenXcope.Domain;

/// <summary>
/// The sensor lifecycle: <c>Registered → Enrolled</c>; <c>Disabled</c> (reversible) from either;
/// <c>Revoked</c> from any. Revocation is final for the identity (its certificates and NATS users are refused for
/// good), not for the sensor: a revoked sensor may be given a new claim code and enrolled again as a new identity,
/// as a rebuilt host is. Pure: no Orleans, no clock.
/// </summary>
public static class SensorLifecycleMachine
{
    /// <summary>A certificate is issued through a claim code (for a revoked sensor: a new identity).</summary>
    public static Outcome<SensorLifecycle> Enroll(SensorLifecycle from) => from switch
    {
        SensorLifecycle.Registered or SensorLifecycle.Revoked => Outcome<SensorLifecycle>.MovedTo(SensorLifecycle.Enrolled),
        SensorLifecycle.Enrolled => Outcome<SensorLifecycle>.Refused(from, ProblemCodes.SensorAlreadyEnrolled, "the sensor is already enrolled"),
        _ => RefuseInactive(from),
    };

    /// <summary>A claim code may be issued before the first enrollment, or after a revocation to enroll again.</summary>
    public static Outcome<SensorLifecycle> IssueClaimCode(SensorLifecycle from) => from switch
    {
        SensorLifecycle.Registered or SensorLifecycle.Revoked => Outcome<SensorLifecycle>.Unchanged(from),
        SensorLifecycle.Enrolled => Outcome<SensorLifecycle>.Refused(from, ProblemCodes.SensorAlreadyEnrolled, "the sensor is already enrolled; a claim code is for a sensor that has no certificate"),
        _ => RefuseInactive(from),
    };

    /// <summary>Suspends the sensor; doing it twice changes nothing.</summary>
    public static Outcome<SensorLifecycle> Disable(SensorLifecycle from) => from switch
    {
        SensorLifecycle.Registered or SensorLifecycle.Enrolled => Outcome<SensorLifecycle>.MovedTo(SensorLifecycle.Disabled),
        SensorLifecycle.Disabled => Outcome<SensorLifecycle>.Unchanged(from),
        _ => RefuseInactive(from),
    };

    /// <summary>Lifts a suspension, back to Enrolled when the sensor holds a certificate, else to Registered.</summary>
    public static Outcome<SensorLifecycle> Enable(SensorLifecycle from, bool hasCertificate) => from switch
    {
        SensorLifecycle.Disabled => Outcome<SensorLifecycle>.MovedTo(hasCertificate ? SensorLifecycle.Enrolled : SensorLifecycle.Registered),
        SensorLifecycle.Registered or SensorLifecycle.Enrolled => Outcome<SensorLifecycle>.Unchanged(from),
        _ => RefuseInactive(from),
    };

    /// <summary>Revokes the sensor for good; doing it twice changes nothing.</summary>
    public static Outcome<SensorLifecycle> Revoke(SensorLifecycle from) => from == SensorLifecycle.Revoked
        ? Outcome<SensorLifecycle>.Unchanged(from)
        : Outcome<SensorLifecycle>.MovedTo(SensorLifecycle.Revoked);

    /// <summary>A renewal (by the agent, or asked for by an operator) needs an enrolled, active sensor.</summary>
    public static Outcome<SensorLifecycle> Renew(SensorLifecycle from) => from switch
    {
        SensorLifecycle.Enrolled => Outcome<SensorLifecycle>.Unchanged(from),
        SensorLifecycle.Registered => Outcome<SensorLifecycle>.Refused(from, ProblemCodes.SensorNotEnrolled, "the sensor has no certificate to renew"),
        _ => RefuseInactive(from),
    };

    private static Outcome<SensorLifecycle> RefuseInactive(SensorLifecycle from) => from switch
    {
        SensorLifecycle.Disabled => Outcome<SensorLifecycle>.Refused(from, ProblemCodes.SensorDisabled, "the sensor is disabled; enable it first"),
        SensorLifecycle.Revoked => Outcome<SensorLifecycle>.Refused(from, ProblemCodes.SensorRevoked, "the sensor is revoked; to bring it back, create a new claim code and enroll it again"),
        _ => throw new InvalidOperationException($"{from} is an active lifecycle"),
    };
}
