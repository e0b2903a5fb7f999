using RavenXcope.Grains.Model;

namespace RavenXcope.Gateway.Sensors;

/// <summary>POST /api/v1/enroll (fields as in seed 002, with the claim code and CSR).</summary>
public sealed record EnrollRequest(
    string? ClaimCode,
    string? CsrPem,
    string? Hostname,
    string? OsInfo,
    string? Architecture,
    string? AgentVersion,
    string? SensorIp,
    IReadOnlyList<InterfaceRequest>? Interfaces);

/// <summary>One interface of the enrolling host.</summary>
public sealed record InterfaceRequest(string? Name, bool IsManagement, bool IsLoopback, bool IsVirtual, bool IsWireless, bool IsUp, long BytesSent, long BytesRecv);

/// <summary>What a successful enrollment returns.</summary>
public sealed record EnrollResponse(
    string TenantId,
    string SensorId,
    string CertificatePem,
    string CaCertificatePem,
    DateTimeOffset CertificateExpiresAt,
    int HeartbeatIntervalSeconds,
    string SensorApiUrl)
{
    /// <summary>Maps the grain's record.</summary>
    public static EnrollResponse From(IssuedCertificate c, string sensorApiUrl) =>
        new(c.TenantId, c.SensorId, c.CertificatePem, c.CaCertificatePem, c.NotAfter, c.HeartbeatIntervalSeconds, sensorApiUrl);
}

/// <summary>POST /sensor/v1/heartbeat.</summary>
public sealed record HeartbeatRequest(string? AgentState, string? TrustState, string? AgentVersion);

/// <summary>The answer to a heartbeat.</summary>
public sealed record HeartbeatResponse(string TrustState, int RenewalGeneration, int HeartbeatIntervalSeconds, DateTimeOffset CertificateExpiresAt, bool RenewNow);

/// <summary>POST /sensor/v1/renew.</summary>
public sealed record RenewRequest(string? CsrPem);

/// <summary>The renewed certificate.</summary>
public sealed record RenewResponse(string CertificatePem, string CaCertificatePem, DateTimeOffset CertificateExpiresAt);

/// <summary>POST /sensor/v1/nats-credentials: the public key of the user nkey the agent made.</summary>
public sealed record NatsCredentialsRequest(string? UserPublicKey);

/// <summary>The sensor's NATS credentials (the agent adds its own seed to make nats.creds).</summary>
public sealed record NatsCredentialsResponse(string Jwt, string NatsUrl, string InboxPrefix, string Stream, string Consumer, DateTimeOffset ExpiresAt);

/// <summary>The answer while the tenant's account is not ready (202, with Retry-After).</summary>
public sealed record PendingResponse(string Status, string Detail);

/// <summary>
/// Serialization code generated at build time for the heartbeat, the one sensor request that arrives
/// every 30 s from every host; other types keep the reflection-based serializer.
/// </summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HeartbeatRequest))]
[System.Text.Json.Serialization.JsonSerializable(typeof(HeartbeatResponse))]
public sealed partial class SensorJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
