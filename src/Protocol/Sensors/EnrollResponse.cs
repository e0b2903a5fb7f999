using System.Text.Json.Serialization;

namespace RavenXcope.Protocol.Sensors;

/// <summary>What a successful enrollment returns.</summary>
/// <param name="TenantId">The sensor's tenant.</param>
/// <param name="SensorId">The sensor.</param>
/// <param name="CertificatePem">The sensor's client certificate.</param>
/// <param name="CaCertificatePem">The CA that issued it (and the server certificates of the sensor API).</param>
/// <param name="CertificateExpiresAt">When the certificate ends.</param>
/// <param name="HeartbeatIntervalSeconds">How often to heartbeat.</param>
/// <param name="SensorApiUrl">The mTLS sensor API to use from now on.</param>
public sealed record EnrollResponse(
    [property: JsonPropertyName("tenantId")] string TenantId,
    [property: JsonPropertyName("sensorId")] string SensorId,
    [property: JsonPropertyName("certificatePem")] string CertificatePem,
    [property: JsonPropertyName("caCertificatePem")] string CaCertificatePem,
    [property: JsonPropertyName("certificateExpiresAt")] DateTimeOffset CertificateExpiresAt,
    [property: JsonPropertyName("heartbeatIntervalSeconds")] int HeartbeatIntervalSeconds,
    [property: JsonPropertyName("sensorApiUrl")] string SensorApiUrl);
