using System.Text.Json.Serialization;

namespace RavenXcope.Protocol.Messages;

/// <summary>
/// What the agent read from Suricata itself (its unix command socket) for a status message: which engine runs, since
/// when, with how many rules, and what it captured. Every field may be absent: a Suricata that is starting, stopped or
/// not answering has no counters, and an agent running a stand-in has none at all. Counters are Suricata's own, since
/// its last start (a restart starts them from zero again).
/// </summary>
/// <param name="Version">Suricata's version (<c>7.0.10 RELEASE</c>).</param>
/// <param name="UptimeSeconds">Seconds since the engine started.</param>
/// <param name="RulesLoaded">Rules loaded (<c>ruleset-stats</c>).</param>
/// <param name="RulesFailed">Rules that failed to load.</param>
/// <param name="Packets">Packets captured on the monitored interfaces.</param>
/// <param name="KernelDrops">Packets the kernel dropped before Suricata read them.</param>
/// <param name="Restarts">Restarts by the agent after a crash or a hang since the last command.</param>
/// <param name="Error">Why Suricata is not running as desired, in Suricata's own words when it gave them.</param>
public sealed record SuricataReport(
    [property: JsonPropertyName("version"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Version = null,
    [property: JsonPropertyName("uptimeSeconds"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? UptimeSeconds = null,
    [property: JsonPropertyName("rulesLoaded"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? RulesLoaded = null,
    [property: JsonPropertyName("rulesFailed"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? RulesFailed = null,
    [property: JsonPropertyName("packets"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Packets = null,
    [property: JsonPropertyName("kernelDrops"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? KernelDrops = null,
    [property: JsonPropertyName("restarts"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Restarts = null,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null);
