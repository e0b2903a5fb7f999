namespace RavenXcope.Agent;

/// <summary>What <c>POST /api/v1/enroll</c> answers.</summary>
public sealed record EnrollResponse(
    string TenantId, string SensorId, string CertificatePem, string CaCertificatePem,
    DateTimeOffset CertificateExpiresAt, int HeartbeatIntervalSeconds, string SensorApiUrl);

/// <summary>What <c>POST /sensor/v1/heartbeat</c> answers.</summary>
public sealed record HeartbeatResponse(string TrustState, int RenewalGeneration, int HeartbeatIntervalSeconds, DateTimeOffset CertificateExpiresAt, bool RenewNow);

/// <summary>What <c>POST /sensor/v1/renew</c> answers.</summary>
public sealed record RenewResponse(string CertificatePem, string CaCertificatePem, DateTimeOffset CertificateExpiresAt);

/// <summary>What <c>POST /sensor/v1/nats-credentials</c> answers (the agent adds its own seed to make <c>nats.creds</c>).</summary>
public sealed record CredentialsResponse(string Jwt, string NatsUrl, string InboxPrefix, string Stream, string Consumer, DateTimeOffset ExpiresAt);
