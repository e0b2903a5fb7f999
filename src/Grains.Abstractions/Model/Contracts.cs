using RavenXcope.Protocol.Problems;

namespace RavenXcope.Grains.Model;

/// <summary>Outcome of a grain command: a value, or a refusal with a stable code.</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.Result`1")]
public sealed record Result<T>(
    [property: Id(0)] T? Value,
    [property: Id(1)] string? ErrorCode,
    [property: Id(2)] string? ErrorDetail)
{
    /// <summary>True when the command succeeded.</summary>
    public bool IsSuccess => ErrorCode is null;

    /// <summary>The row of the problem table the refusal names; null on success.</summary>
    public ProblemCode? Problem => ProblemCodes.Find(ErrorCode);

    /// <summary>A success.</summary>
    public static Result<T> Ok(T value) => new(value, null, null);

    /// <summary>A refusal.</summary>
    public static Result<T> Fail(ProblemCode code, string detail) => new(default, code.Code, detail);

    /// <summary>A failure for a refused transition.</summary>
    public static Result<T> Fail(Refusal refusal) => new(default, refusal.Code, refusal.Detail);
}

/// <summary>A tenant as the operator API shows it.</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.TenantSnapshot")]
public sealed record TenantSnapshot(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] NatsAccountStatus AccountStatus = NatsAccountStatus.Pending,
    [property: Id(4)] string? AccountPublicKey = null,
    [property: Id(5)] string? AccountError = null);

/// <summary>A sensor as the operator API shows it (no certificate bodies, no secrets).</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.SensorSnapshot")]
public sealed record SensorSnapshot(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string SensorId,
    [property: Id(2)] string Name,
    [property: Id(3)] SensorLifecycle Lifecycle,
    [property: Id(4)] TrustState TrustState,
    [property: Id(5)] string? CertificateSerial,
    [property: Id(6)] DateTimeOffset? CertificateNotAfter,
    [property: Id(7)] int RenewalGeneration,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset UpdatedAt,
    [property: Id(10)] HostMetadata? Host,
    [property: Id(11)] DateTimeOffset? LastHeartbeatAt,
    [property: Id(12)] string? Suricata = null,
    [property: Id(13)] DateTimeOffset? LastStatusAt = null,
    [property: Id(14)] string Liveness = "offline",
    [property: Id(15)] IReadOnlyList<RetiredIdentitySnapshot>? RetiredIdentities = null,
    [property: Id(16)] SuricataSnapshot? SuricataDetail = null,
    [property: Id(17)] DateTimeOffset? CertificateIssuedAt = null,
    [property: Id(18)] PreviousCertificateSnapshot? PreviousCertificate = null,
    [property: Id(19)] DateTimeOffset? RenewalRequestedAt = null,
    [property: Id(20)] string? SuricataDesired = null,
    [property: Id(21)] CommandSnapshot? LastFailedCommand = null)
{
    /// <summary>Whether an operator's renewal request still waits for the agent to renew.</summary>
    public bool RenewalPending => RenewalRequestedAt is { } requested && !(CertificateIssuedAt > requested);
}

/// <summary>The certificate a renewal replaced, while it is still accepted (the overlap), and until when.</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.PreviousCertificateSnapshot")]
public sealed record PreviousCertificateSnapshot(
    [property: Id(0)] string CertificateSerial,
    [property: Id(1)] DateTimeOffset NotAfter,
    [property: Id(2)] DateTimeOffset AcceptedUntil);

/// <summary>An identity the sensor had before a revocation (refused for good): when it was enrolled and revoked.</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.RetiredIdentitySnapshot")]
public sealed record RetiredIdentitySnapshot(
    [property: Id(0)] string CertificateSerial,
    [property: Id(1)] DateTimeOffset CertificateIssuedAt,
    [property: Id(2)] DateTimeOffset RevokedAt);

/// <summary>What the agent reports about its host at enrollment.</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.HostMetadata")]
public sealed record HostMetadata(
    [property: Id(0)] string Hostname,
    [property: Id(1)] string OsInfo,
    [property: Id(2)] string Architecture,
    [property: Id(3)] string AgentVersion,
    [property: Id(4)] string? SensorIp,
    [property: Id(5)] IReadOnlyList<NetworkInterfaceInfo> Interfaces);

/// <summary>One network interface of a sensor host.</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.NetworkInterfaceInfo")]
public sealed record NetworkInterfaceInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] bool IsManagement,
    [property: Id(2)] bool IsLoopback,
    [property: Id(3)] bool IsVirtual,
    [property: Id(4)] bool IsWireless,
    [property: Id(5)] bool IsUp,
    [property: Id(6)] long BytesSent,
    [property: Id(7)] long BytesRecv);

/// <summary>A claim code as handed out once to the operator.</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.IssuedClaimCode")]
public sealed record IssuedClaimCode(
    [property: Id(0)] string ClaimCode,
    [property: Id(1)] DateTimeOffset ExpiresAt);

/// <summary>A certificate issued to a sensor, with what the agent needs to use it.</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.IssuedCertificate")]
public sealed record IssuedCertificate(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string SensorId,
    [property: Id(2)] string CertificatePem,
    [property: Id(3)] string CaCertificatePem,
    [property: Id(4)] DateTimeOffset NotAfter,
    [property: Id(5)] string Serial,
    [property: Id(6)] int HeartbeatIntervalSeconds);

/// <summary>The verdict on a certificate presented on the mTLS port.</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.CertificateVerdict")]
public sealed record CertificateVerdict(
    [property: Id(0)] bool Accepted,
    [property: Id(1)] string? ErrorCode,
    [property: Id(2)] string? ErrorDetail,
    [property: Id(3)] bool IsPreviousCertificate);

/// <summary>What the agent reports in a heartbeat.</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.SensorHeartbeat")]
public sealed record SensorHeartbeat(
    [property: Id(0)] string CertificateSerial,
    [property: Id(1)] string AgentState,
    [property: Id(2)] string? ReportedTrustState,
    [property: Id(3)] string? AgentVersion);

/// <summary>What the control plane answers to a heartbeat.</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.HeartbeatReply")]
public sealed record HeartbeatReply(
    [property: Id(0)] TrustState TrustState,
    [property: Id(1)] int RenewalGeneration,
    [property: Id(2)] int HeartbeatIntervalSeconds,
    [property: Id(3)] DateTimeOffset CertificateNotAfter,
    [property: Id(4)] bool RenewNow);

/// <summary>NATS credentials for a sensor: a user JWT for the key the agent made (its seed never leaves the host).</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.SensorNatsCredentials")]
public sealed record SensorNatsCredentials(
    [property: Id(0)] string Jwt,
    [property: Id(1)] string NatsUrl,
    [property: Id(2)] string InboxPrefix,
    [property: Id(3)] string Stream,
    [property: Id(4)] string Consumer,
    [property: Id(5)] DateTimeOffset ExpiresAt);

/// <summary>A claim code's record as SREs may see it.</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.ClaimCodeSnapshot")]
public sealed record ClaimCodeSnapshot(
    [property: Id(0)] ClaimCodeStatus Status,
    [property: Id(1)] string? TenantId,
    [property: Id(2)] string? SensorId,
    [property: Id(3)] DateTimeOffset? ExpiresAt,
    [property: Id(4)] DateTimeOffset? RedeemedAt);

/// <summary>Something that happened to a tenant's trust or configuration, for the audit chain.</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.AuditEvent")]
public sealed record AuditEvent(
    [property: Id(0)] string Actor,
    [property: Id(1)] string Action,
    [property: Id(2)] string Subject,
    [property: Id(3)] string Outcome,
    [property: Id(4)] string? Detail)
{
    /// <summary>How a sensor is named as an audit subject and as an actor (the sensor's own requests).</summary>
    public static string Sensor(string sensorId) => $"sensor:{sensorId}";
}

/// <summary>Which audit entries to show: each field given must match exactly; none given, every entry.</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.AuditFilter")]
public sealed record AuditFilter(
    [property: Id(0)] string? Action,
    [property: Id(1)] string? Actor,
    [property: Id(2)] string? Subject)
{
    /// <summary>Every entry.</summary>
    public static readonly AuditFilter None = new(null, null, null);
}

/// <summary>
/// The verifier's verdict on a page of the audit chain: the entries checked (<paramref name="First"/> to
/// <paramref name="Last"/>, <paramref name="Count"/> of them) and the first whose MAC, predecessor link or sequence
/// does not match (<paramref name="Broken"/>), or none. Not <paramref name="Verified"/> when auditing is off (no key).
/// </summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.AuditVerdict")]
public sealed record AuditVerdict(
    [property: Id(0)] bool Verified,
    [property: Id(1)] int Count,
    [property: Id(2)] long? First,
    [property: Id(3)] long? Last,
    [property: Id(4)] long? Broken)
{
    /// <summary>True when every entry checked matches.</summary>
    public bool Intact => Verified && Broken is null;

    /// <summary>The verdict in a sentence, as the console shows it.</summary>
    public string Sentence => !Verified ? "not verified: auditing is off (the silo has no audit key)"
        : Broken is { } broken ? $"entry {broken} does not match: the chain was altered"
        : Count == 0 ? "no entries to verify"
        : $"chain intact for entries {First}–{Last}";
}
