using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace RavenXcope.Grains.Telemetry;

/// <summary>
/// The fleet's Suricata, as its agents report it, on the <c>RavenXcope</c> meter: packets captured and dropped by the
/// kernel (summed over every sensor of this silo's grains, from the growth of each sensor's counters), and the sensors
/// of this silo by Suricata's state. No sensor id in any tag: the state is one of a bounded set.
/// </summary>
public static class SuricataMetrics
{
    /// <summary>The states counted by name; any other is counted as <c>other</c>.</summary>
    public static readonly IReadOnlySet<string> States = new HashSet<string>(StringComparer.Ordinal) { "running", "starting", "stopped", "crashed", "failed", "unknown" };

    private static readonly Counter<long> Packets = ControlPlaneMetrics.Meter.CreateCounter<long>(
        "rxc.suricata.packets", description: "Packets captured by the sensors' Suricata (reported by their agents)");

    private static readonly Counter<long> KernelDrops = ControlPlaneMetrics.Meter.CreateCounter<long>(
        "rxc.suricata.kernel_drops", description: "Packets the sensors' kernels dropped before Suricata read them (reported by their agents)");

    // The common states are exported at zero from the start, so a dashboard's series exist before the first report.
    private static readonly ConcurrentDictionary<string, long> SensorsByState = new(
        [new("running", 0), new("stopped", 0), new("crashed", 0)], StringComparer.Ordinal);

    private static readonly ObservableGauge<long> SensorsGauge = ControlPlaneMetrics.Meter.CreateObservableGauge(
        "rxc.suricata.sensors",
        () => SensorsByState.Select(s => new Measurement<long>(s.Value, new KeyValuePair<string, object?>("state", s.Key))),
        description: "Sensors whose grain is active in this silo, by the Suricata state their agent last reported");

    /// <summary>
    /// Records zero on the counters, so that every family is exported from the silo's start. Call once the metrics
    /// pipeline listens. Touching the fields is also what creates the instruments: the type has no static constructor,
    /// so an empty method would leave them uncreated until the first sensor's report.
    /// </summary>
    public static void Register()
    {
        Packets.Add(0);
        KernelDrops.Add(0);
        GC.KeepAlive(SensorsGauge);
    }

    /// <summary>The tag a reported state is counted under.</summary>
    public static string StateTag(string? state) => state is null ? "unknown" : States.Contains(state) ? state : "other";

    /// <summary>Moves one sensor from state <paramref name="from"/> to <paramref name="to"/> (null: not counted).</summary>
    public static void Moved(string? from, string? to)
    {
        if (from == to)
        {
            return;
        }

        if (from is not null)
        {
            SensorsByState.AddOrUpdate(from, 0, (_, n) => Math.Max(0, n - 1));
        }

        if (to is not null)
        {
            SensorsByState.AddOrUpdate(to, 1, (_, n) => n + 1);
        }
    }

    /// <summary>Adds what one sensor captured and dropped since its previous report.</summary>
    public static void Captured(long packets, long kernelDrops)
    {
        if (packets > 0)
        {
            Packets.Add(packets);
        }

        if (kernelDrops > 0)
        {
            KernelDrops.Add(kernelDrops);
        }
    }

    /// <summary>
    /// The growth of a counter between two reports: the difference, or the whole new value when it went down
    /// (Suricata restarted and counts from zero again); nothing when either is unknown (the first report a grain
    /// sees after its activation is a baseline, so a reactivated grain counts nothing twice).
    /// </summary>
    public static long Growth(long? before, long? now) => (before, now) switch
    {
        ({ } b, { } n) when n >= b => n - b,
        ({ }, { } n) => n,
        _ => 0,
    };
}
