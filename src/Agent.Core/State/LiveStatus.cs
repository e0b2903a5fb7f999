using System.Text.Json.Serialization;
using RavenXcope.Protocol.Messages;

namespace RavenXcope.Agent;

/// <summary>
/// What a running agent says about itself, in <c>agent-status.json</c> of its runtime directory (rewritten every few
/// seconds and on every change), for <c>ravenxcope-sensor status</c>: no secret in it.
/// </summary>
public sealed record LiveStatus
{
    /// <summary>The file's name in the runtime directory.</summary>
    public const string FileName = "agent-status.json";

    /// <summary>The agent's process id.</summary>
    [JsonPropertyName("pid")] public int Pid { get; init; }

    /// <summary>The agent's version.</summary>
    [JsonPropertyName("agentVersion")] public string AgentVersion { get; init; } = string.Empty;

    /// <summary>When the agent started.</summary>
    [JsonPropertyName("startedAt")] public DateTimeOffset StartedAt { get; init; }

    /// <summary>When this was written.</summary>
    [JsonPropertyName("updatedAt")] public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the agent stopped (written last), or null while it runs.</summary>
    [JsonPropertyName("stoppedAt")] public DateTimeOffset? StoppedAt { get; init; }

    /// <summary>Seconds between rewrites while it runs: older than a few of them means the agent is gone.</summary>
    [JsonPropertyName("refreshSeconds")] public int RefreshSeconds { get; init; }

    /// <summary>The last heartbeat.</summary>
    [JsonPropertyName("heartbeat")] public HeartbeatStatus? Heartbeat { get; init; }

    /// <summary>The NATS connection.</summary>
    [JsonPropertyName("nats")] public NatsStatus Nats { get; init; } = new();

    /// <summary>Suricata.</summary>
    [JsonPropertyName("suricata")] public SuricataStatus Suricata { get; init; } = new();

    /// <summary>The last command taken.</summary>
    [JsonPropertyName("lastCommand")] public CommandStatus? LastCommand { get; init; }

    /// <summary>The last heartbeat and how it was answered.</summary>
    /// <param name="At">When it was sent.</param>
    /// <param name="Status">The HTTP status (0: nothing answered).</param>
    /// <param name="Code">The problem code of a refusal.</param>
    /// <param name="Detail">The refusal's detail, or why nothing answered.</param>
    /// <param name="LastAcceptedAt">When a heartbeat was last accepted.</param>
    public sealed record HeartbeatStatus(
        [property: JsonPropertyName("at")] DateTimeOffset At,
        [property: JsonPropertyName("status")] int Status,
        [property: JsonPropertyName("code")] string? Code,
        [property: JsonPropertyName("detail")] string? Detail,
        [property: JsonPropertyName("lastAcceptedAt")] DateTimeOffset? LastAcceptedAt);

    /// <summary>The NATS connection: up since when, or why not.</summary>
    /// <param name="Connected">True while connected with the consumer found.</param>
    /// <param name="Since">Since when it is in this state.</param>
    /// <param name="Reason">Why it is not connected.</param>
    /// <param name="LastStatusSentAt">When a status message last went out.</param>
    public sealed record NatsStatus(
        [property: JsonPropertyName("connected")] bool Connected = false,
        [property: JsonPropertyName("since")] DateTimeOffset? Since = null,
        [property: JsonPropertyName("reason")] string? Reason = "not connected yet",
        [property: JsonPropertyName("lastStatusSentAt")] DateTimeOffset? LastStatusSentAt = null);

    /// <summary>Suricata as the supervisor sees it.</summary>
    /// <param name="Desired">running or stopped.</param>
    /// <param name="Observed">The observed state.</param>
    /// <param name="Pid">Its process id while it runs.</param>
    /// <param name="Report">What it said about itself, and the last problem.</param>
    public sealed record SuricataStatus(
        [property: JsonPropertyName("desired")] string Desired = "stopped",
        [property: JsonPropertyName("observed")] string Observed = "stopped",
        [property: JsonPropertyName("pid")] int? Pid = null,
        [property: JsonPropertyName("report")] SuricataReport? Report = null);

    /// <summary>The last command the agent took.</summary>
    /// <param name="CommandId">Its id.</param>
    /// <param name="Type">start, stop or restart.</param>
    /// <param name="Outcome">Its outcome.</param>
    /// <param name="At">When it was taken.</param>
    public sealed record CommandStatus(
        [property: JsonPropertyName("commandId")] string CommandId,
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("outcome")] string Outcome,
        [property: JsonPropertyName("at")] DateTimeOffset At);
}
