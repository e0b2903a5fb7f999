namespace RavenXcope.Domain;

/// <summary>Trust state from the lifecycle and the current certificate's end of validity. Pure.</summary>
public static class TrustEvaluator
{
    /// <summary>The trust state at <paramref name="now"/>.</summary>
    public static TrustState Evaluate(SensorLifecycle lifecycle, DateTimeOffset? notAfter, DateTimeOffset now, TrustPolicy policy)
    {
        if (lifecycle == SensorLifecycle.Revoked)
        {
            return TrustState.TrustRevoked;
        }

        if (notAfter is not { } end)
        {
            return TrustState.None;
        }

        var left = end - now;
        if (left <= TimeSpan.Zero)
        {
            return TrustState.Expired;
        }

        if (left <= policy.RenewalDueBefore)
        {
            return TrustState.RenewalDue;
        }

        return left <= policy.RenewalRecommendedBefore ? TrustState.RenewalRecommended : TrustState.Trusted;
    }

    /// <summary>
    /// The next instant after <paramref name="now"/> at which the trust state changes by itself, or
    /// null when it never will (revoked, no certificate, already expired).
    /// </summary>
    public static DateTimeOffset? NextChange(SensorLifecycle lifecycle, DateTimeOffset? notAfter, DateTimeOffset now, TrustPolicy policy)
    {
        if (lifecycle == SensorLifecycle.Revoked || notAfter is not { } end)
        {
            return null;
        }

        DateTimeOffset[] thresholds = [end - policy.RenewalRecommendedBefore, end - policy.RenewalDueBefore, end];
        foreach (var threshold in thresholds)
        {
            if (threshold > now)
            {
                return threshold;
            }
        }

        return null;
    }
}
