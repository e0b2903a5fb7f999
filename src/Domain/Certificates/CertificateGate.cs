using RavenXcope.Protocol.Problems;

namespace RavenXcope.Domain;

/// <summary>A certificate as the gate needs it: which serial, valid until when.</summary>
public readonly record struct HeldCertificate(string Serial, DateTimeOffset NotAfter);

/// <summary>
/// What a sensor holds that decides whether a presented certificate is accepted. The grain's persisted state
/// implements it directly, so the check on every heartbeat copies nothing.
/// </summary>
public interface ICertificateHolder
{
    /// <summary>The sensor's lifecycle.</summary>
    SensorLifecycle Lifecycle { get; }

    /// <summary>The current certificate, if any.</summary>
    HeldCertificate? CurrentCertificate { get; }

    /// <summary>The certificate before the last renewal, if any.</summary>
    HeldCertificate? PreviousCertificate { get; }

    /// <summary>Until when the previous certificate is accepted.</summary>
    DateTimeOffset? PreviousAcceptedUntil { get; }

    /// <summary>True when the serial belonged to an identity retired by a revocation.</summary>
    bool IsRetiredSerial(string serial);
}

/// <summary>Decides whether a certificate presented on the mTLS port is accepted. Pure.</summary>
public static class CertificateGate
{
    /// <summary>Null when accepted (<paramref name="isPrevious"/> tells which certificate matched), else the refusal.</summary>
    public static Refusal? Check(ICertificateHolder holder, string presentedSerial, DateTimeOffset now, out bool isPrevious)
    {
        isPrevious = false;
        switch (holder.Lifecycle)
        {
            case SensorLifecycle.Revoked:
                return new Refusal(ProblemCodes.SensorRevoked, "the sensor is revoked");
            case SensorLifecycle.Disabled:
                return new Refusal(ProblemCodes.SensorDisabled, "the sensor is disabled");
        }

        if (holder.CurrentCertificate is { } current && SameSerial(current.Serial, presentedSerial))
        {
            return now >= current.NotAfter
                ? new Refusal(ProblemCodes.CertificateExpired, "the certificate has expired; enroll again with a new claim code")
                : null;
        }

        if (holder.PreviousCertificate is { } previous && SameSerial(previous.Serial, presentedSerial)
            && holder.PreviousAcceptedUntil is { } until && now < until && now < previous.NotAfter)
        {
            isPrevious = true;
            return null;
        }

        // The certificate of an identity revoked before the sensor enrolled again: its agent must stop, as revoked.
        if (holder.IsRetiredSerial(presentedSerial))
        {
            return new Refusal(ProblemCodes.SensorRevoked, "this certificate's identity was revoked; the sensor has enrolled again since");
        }

        return new Refusal(ProblemCodes.CertificateNotCurrent, "the certificate is neither the sensor's current one nor its previous one within the overlap");
    }

    /// <summary>Serials compare without regard to case: .NET prints them upper-case, agents may not.</summary>
    public static bool SameSerial(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
