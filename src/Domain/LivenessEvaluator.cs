namespace RavenXcope.Domain;

/// <summary>
/// What an operator should read of a sensor's signs of life. Pure. A sensor has two planes: heartbeats over
/// mTLS and status messages over NATS. <c>online</c> means both work (or only mTLS is expected, when the
/// sensor never had NATS credentials); <c>degraded</c> means one plane works and the other has been silent
/// (heartbeats without status: commands would not reach it; status without heartbeats: trust and renewal are not
/// being checked); <c>stale</c> and <c>offline</c> follow the silence of both. A disabled or
/// revoked sensor is shown as such, never as <c>online</c>, whatever its agent still sends.
/// </summary>
public static class LivenessEvaluator
{
    /// <summary>Every value <see cref="Evaluate"/> can give, for documentation and metrics.</summary>
    public static readonly string[] Values = ["online", "degraded", "stale", "offline", "disabled", "revoked"];

    /// <summary>
    /// Online within 3 heartbeat intervals (of both planes when <paramref name="natsExpected"/>), degraded when only
    /// one plane is that fresh, stale within 10 minutes, offline after (or never seen).
    /// </summary>
    public static string Evaluate(
        SensorLifecycle lifecycle, DateTimeOffset? lastHeartbeat, DateTimeOffset? lastStatus, bool natsExpected, DateTimeOffset now, TimeSpan heartbeatInterval)
    {
        switch (lifecycle)
        {
            case SensorLifecycle.Revoked:
                return "revoked";
            case SensorLifecycle.Disabled:
                return "disabled";
        }

        var fresh = heartbeatInterval * 3;
        var seen = Latest(lastHeartbeat, lastStatus);
        if (seen is not { } last)
        {
            return "offline";
        }

        var silence = now - last;
        if (silence <= fresh)
        {
            // Status messages prove the NATS plane, heartbeats the mTLS plane.
            var mtlsFresh = lastHeartbeat is { } beat && now - beat <= fresh;
            var natsFresh = lastStatus is { } status && now - status <= fresh;
            return mtlsFresh && (natsFresh || !natsExpected) ? "online" : "degraded";
        }

        return silence <= TimeSpan.FromMinutes(10) ? "stale" : "offline";
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;
}
