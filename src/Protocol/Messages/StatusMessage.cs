using System.Text.Json.Serialization;

namespace RavenXcope.Protocol.Messages;

/// <summary>
/// What an agent publishes (or sends as a request) on its status subject, <see cref="Nats.NatsNames.StatusSubject"/>:
/// Suricata's state, the last command taken and the outcomes the control plane has not confirmed yet. As a request it
/// is answered with a <see cref="StatusReply"/>.
/// </summary>
/// <param name="Desired">Suricata's desired state.</param>
/// <param name="Observed">Suricata's observed state.</param>
/// <param name="LastCommandId">The last command the agent took, if any.</param>
/// <param name="LastCommandOutcome">Its outcome (one of <see cref="CommandOutcomes"/>).</param>
/// <param name="RecentOutcomes">Unconfirmed outcomes, oldest first, at most <see cref="ProtocolLimits.MaxRecentOutcomes"/>.</param>
/// <param name="TrustState">The trust state the agent's last heartbeat reported.</param>
/// <param name="AgentVersion">The agent's version.</param>
/// <param name="Version">The message version; absent on the wire means 1.</param>
/// <param name="Suricata">
/// What Suricata itself says (version, uptime, rules, capture counters), when the agent could ask it. Added within
/// version 1: left out of the JSON when absent, and a reader that does not know it ignores it.
/// </param>
public sealed record StatusMessage(
    [property: JsonPropertyName("desired")] string Desired,
    [property: JsonPropertyName("observed")] string Observed,
    [property: JsonPropertyName("lastCommandId")] string? LastCommandId,
    [property: JsonPropertyName("lastCommandOutcome")] string? LastCommandOutcome,
    [property: JsonPropertyName("recentOutcomes")] IReadOnlyList<CommandOutcome>? RecentOutcomes,
    [property: JsonPropertyName("trustState")] string? TrustState,
    [property: JsonPropertyName("agentVersion")] string? AgentVersion,
    [property: JsonPropertyName("v")] int Version = ProtocolVersions.Status,
    [property: JsonPropertyName("suricata"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SuricataReport? Suricata = null);
