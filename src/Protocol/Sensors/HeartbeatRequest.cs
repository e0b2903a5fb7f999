using System.Text.Json.Serialization;

namespace RavenXcope.Protocol.Sensors;

/// <summary>POST /sensor/v1/heartbeat.</summary>
/// <param name="AgentState">The agent's state (required).</param>
/// <param name="TrustState">The trust state the agent believes it has.</param>
/// <param name="AgentVersion">The agent's version.</param>
public sealed record HeartbeatRequest(
    [property: JsonPropertyName("agentState")] string? AgentState,
    [property: JsonPropertyName("trustState")] string? TrustState,
    [property: JsonPropertyName("agentVersion")] string? AgentVersion);
