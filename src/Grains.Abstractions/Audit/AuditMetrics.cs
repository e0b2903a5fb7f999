using System.Diagnostics.Metrics;

namespace RavenXcope.Grains.Audit;

/// <summary>
/// The audit trail's instruments (meter <c>RavenXcope</c>), in every process that records audit entries (silo and
/// gateway): entries by what became of them, and the retry queue's length, so that an SRE sees entries waiting
/// through a database outage and is alerted on one lost.
/// </summary>
internal static class AuditMetrics
{
    private static readonly Meter Meter = new("RavenXcope");

    private static readonly Counter<long> Entries = Meter.CreateCounter<long>(
        "rxc.audit.entries",
        description: "Audit entries by outcome: appended, deferred (kept for a retry), appended_late (after a retry), lost");

    private static long _queued;

    private static readonly ObservableGauge<long> QueueGauge = Meter.CreateObservableGauge(
        "rxc.audit.queue",
        () => Interlocked.Read(ref _queued),
        description: "Audit entries in this process waiting to be appended (background appends and retries)");

    /// <summary>Records zero for every outcome (once the metrics pipeline listens: earlier measurements are not seen).</summary>
    public static void Register()
    {
        foreach (var outcome in new[] { "appended", "deferred", "appended_late", "lost" })
        {
            Entries.Add(0, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <summary>Counts an entry reaching <paramref name="outcome"/>.</summary>
    public static void Entry(string outcome) => Entries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Moves the queue's length by <paramref name="delta"/>.</summary>
    public static void Queued(long delta) => Interlocked.Add(ref _queued, delta);
}
