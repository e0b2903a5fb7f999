namespace RavenXcope.Grains.Model;

/// <summary>
/// What the sensor's agent last read from Suricata itself: version, uptime, rules and capture counters (since
/// Suricata's last start), or why it does not run. Kept in the sensor grain's memory, never persisted: it changes with
/// every status message.
/// </summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.SuricataSnapshot")]
public sealed record SuricataSnapshot(
    [property: Id(0)] string? Version,
    [property: Id(1)] long? UptimeSeconds,
    [property: Id(2)] long? RulesLoaded,
    [property: Id(3)] long? RulesFailed,
    [property: Id(4)] long? Packets,
    [property: Id(5)] long? KernelDrops,
    [property: Id(6)] int? Restarts,
    [property: Id(7)] string? Error,
    [property: Id(8)] DateTimeOffset? ReportedAt = null);
