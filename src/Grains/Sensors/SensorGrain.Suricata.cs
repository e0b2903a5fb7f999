using RavenXcope.Grains.Model;
using RavenXcope.Grains.Telemetry;

namespace RavenXcope.Grains.Sensors;

/// <summary>
/// Suricata as the agent reports it: its observed state (persisted when it changes, in <see cref="RecordStatusAsync"/>), the state the agent aims for, and
/// what Suricata itself said (version, uptime, rules, capture counters), kept in memory only, shown on the sensor and
/// turned into the fleet's metrics.
/// </summary>
public sealed partial class SensorGrain
{
    private SuricataSnapshot? _suricata;
    private string? _suricataDesired;
    private string? _suricataCounted;

    // Called for every status: memory only, no write.
    private void ObserveSuricata(string desired, string observed, SuricataSnapshot? reported, DateTimeOffset now)
    {
        _suricataDesired = desired;
        var tag = SuricataMetrics.StateTag(observed);
        SuricataMetrics.Moved(_suricataCounted, tag);
        _suricataCounted = tag;

        var previous = _suricata;
        _suricata = reported is null ? null : reported with { ReportedAt = now };
        if (previous is not null && reported is not null)
        {
            SuricataMetrics.Captured(SuricataMetrics.Growth(previous.Packets, reported.Packets), SuricataMetrics.Growth(previous.KernelDrops, reported.KernelDrops));
        }
    }

    // The grain leaves this silo (or its sensor its identity): it is no longer counted here.
    private void ForgetSuricata()
    {
        SuricataMetrics.Moved(_suricataCounted, null);
        _suricataCounted = null;
        _suricata = null;
        _suricataDesired = null;
    }
}
