using System.Text.Json.Serialization;

namespace RavenXcope.Agent;

/// <summary>
/// The local trust record, <c>sensor-state.json</c> (trust and certificate facts, plus what the agent needs to run). A
/// record, so that "did anything change" is an equality test (see <see cref="TrustRecord"/>).
/// </summary>
public sealed record AgentState
{
    /// <summary>Sensor id.</summary>
    [JsonPropertyName("sensor_id")] public string SensorId { get; init; } = string.Empty;

    /// <summary>Tenant id.</summary>
    [JsonPropertyName("tenant_id")] public string TenantId { get; init; } = string.Empty;

    /// <summary>Trust state as the control plane last reported it.</summary>
    [JsonPropertyName("trust_state")] public string TrustState { get; init; } = "trusted";

    /// <summary>End of the current certificate's validity.</summary>
    [JsonPropertyName("certificate_expires_at")] public DateTimeOffset CertificateExpiresAt { get; init; }

    /// <summary><c>ok</c>, <c>renewing</c> or <c>failed: …</c>.</summary>
    [JsonPropertyName("renewal_status")] public string RenewalStatus { get; init; } = "ok";

    /// <summary>The operator's renewal generation this certificate answers.</summary>
    [JsonPropertyName("renewal_generation")] public int RenewalGeneration { get; init; }

    /// <summary>Base URL of the mTLS sensor API.</summary>
    [JsonPropertyName("sensor_api_url")] public string SensorApiUrl { get; init; } = string.Empty;

    /// <summary>Heartbeat interval the control plane asked for.</summary>
    [JsonPropertyName("heartbeat_interval_seconds")] public int HeartbeatIntervalSeconds { get; init; } = 30;

    /// <summary>When the agent enrolled.</summary>
    [JsonPropertyName("enrolled_at")] public DateTimeOffset EnrolledAt { get; init; }
}
