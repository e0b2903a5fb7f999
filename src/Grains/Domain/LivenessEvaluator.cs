namespace RavenXcope.Grains.Domain;

/// <summary>Online, stale or offline from the last sign of life (heartbeat or status). Pure.</summary>
public static class LivenessEvaluator
{
    /// <summary>Online within 3 heartbeat intervals, stale within 10 minutes, offline after (or never seen).</summary>
    public static string Evaluate(DateTimeOffset? lastSeen, DateTimeOffset now, TimeSpan heartbeatInterval)
    {
        if (lastSeen is not { } seen)
        {
            return "offline";
        }

        var silence = now - seen;
        if (silence <= heartbeatInterval * 3)
        {
            return "online";
        }

        return silence <= TimeSpan.FromMinutes(10) ? "stale" : "offline";
    }
}
