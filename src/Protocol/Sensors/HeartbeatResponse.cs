using System.Text.Json.Serialization;

namespace RavenXcope.Protocol.Sensors;

/// <summary>The answer to a heartbeat.</summary>
/// <param name="TrustState">The sensor's trust state (snake_case wire name).</param>
/// <param name="RenewalGeneration">Bumped when an operator asks for a renewal.</param>
/// <param name="HeartbeatIntervalSeconds">How often to heartbeat.</param>
/// <param name="CertificateExpiresAt">When the current certificate ends.</param>
/// <param name="RenewNow">Whether the agent should renew now.</param>
public sealed record HeartbeatResponse(
    [property: JsonPropertyName("trustState")] string TrustState,
    [property: JsonPropertyName("renewalGeneration")] int RenewalGeneration,
    [property: JsonPropertyName("heartbeatIntervalSeconds")] int HeartbeatIntervalSeconds,
    [property: JsonPropertyName("certificateExpiresAt")] DateTimeOffset CertificateExpiresAt,
    [property: JsonPropertyName("renewNow")] bool RenewNow);
