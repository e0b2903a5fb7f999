using RavenXcope.Grains.Model;
using RavenXcope.Grains.State;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Grains.Domain;

/// <summary>Decides whether a certificate presented on the mTLS port is accepted. Pure.</summary>
public static class CertificateGate
{
    /// <summary>Null when accepted (<paramref name="isPrevious"/> tells which certificate matched), else the refusal.</summary>
    public static Refusal? Check(SensorState state, string presentedSerial, DateTimeOffset now, out bool isPrevious)
    {
        isPrevious = false;
        switch (state.Lifecycle)
        {
            case SensorLifecycle.Revoked:
                return new Refusal(ProblemCodes.SensorRevoked, "the sensor is revoked");
            case SensorLifecycle.Disabled:
                return new Refusal(ProblemCodes.SensorDisabled, "the sensor is disabled");
        }

        if (state.Current is { } current && SameSerial(current.Serial, presentedSerial))
        {
            return now >= current.NotAfter
                ? new Refusal(ProblemCodes.CertificateExpired, "the certificate has expired; enroll again with a new claim code")
                : null;
        }

        if (state.Previous is { } previous && SameSerial(previous.Serial, presentedSerial)
            && state.PreviousAcceptedUntil is { } until && now < until && now < previous.NotAfter)
        {
            isPrevious = true;
            return null;
        }

        // The certificate of an identity revoked before the sensor enrolled again: its agent must stop, as revoked.
        if (state.RetiredIdentities.Any(r => SameSerial(r.Serial, presentedSerial)))
        {
            return new Refusal(ProblemCodes.SensorRevoked, "this certificate's identity was revoked; the sensor has enrolled again since");
        }

        return new Refusal(ProblemCodes.CertificateNotCurrent, "the certificate is neither the sensor's current one nor its previous one within the overlap");
    }

    private static bool SameSerial(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
