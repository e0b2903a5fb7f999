using RavenXcope.Grains.Model;

namespace RavenXcope.Gateway.Api;

/// <summary>POST /api/v1/api-keys; without <c>expiresAt</c> the key does not expire.</summary>
public sealed record CreateApiKeyRequest(string? Role, string? TenantId, DateTimeOffset? ExpiresAt);

/// <summary>The new key, shown once.</summary>
public sealed record CreatedApiKey(string ApiKey, string KeyId, string Role, string? TenantId, DateTimeOffset? ExpiresAt);

/// <summary>A key as the list shows it: never its secret nor the secret's digest. <c>lastUsedAt</c> may lag by up to a minute.</summary>
public sealed record ApiKeyListItem(string KeyId, string Role, string? TenantId, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? ExpiresAt)
{
    /// <summary>Maps the store's row.</summary>
    public static ApiKeyListItem From(RavenXcope.ServiceDefaults.ApiKeys.ApiKeyInfo k) =>
        new(k.KeyId, k.Role.ToString().ToLowerInvariant(), k.TenantId, k.CreatedAt, k.LastUsedAt, k.ExpiresAt);
}

/// <summary>A page of keys; <c>nextCursor</c> goes into <c>after</c> for the next page.</summary>
public sealed record ApiKeyPage(IReadOnlyList<ApiKeyListItem> Items, string? NextCursor);

/// <summary>POST /api/v1/tenants.</summary>
public sealed record CreateTenantRequest(string? TenantId, string? Name);

/// <summary>A tenant, with the state of its NATS account.</summary>
public sealed record TenantResponse(string TenantId, string Name, DateTimeOffset CreatedAt, NatsAccountResponse NatsAccount)
{
    /// <summary>Maps the grain's snapshot.</summary>
    public static TenantResponse From(TenantSnapshot t) =>
        new(t.TenantId, t.Name, t.CreatedAt, new NatsAccountResponse(t.AccountStatus == NatsAccountStatus.Provisioned ? "provisioned" : "pending", t.AccountPublicKey, t.AccountError));
}

/// <summary>A tenant's NATS account: <c>pending</c> until reconciled, then <c>provisioned</c>.</summary>
public sealed record NatsAccountResponse(string Status, string? PublicKey, string? LastError);

/// <summary>POST /api/v1/tenants/{tenantId}/sensors.</summary>
public sealed record CreateSensorRequest(string? SensorId, string? Name);

/// <summary>A sensor's detail.</summary>
public sealed record SensorResponse(
    string TenantId,
    string SensorId,
    string Name,
    string Lifecycle,
    string TrustState,
    string? CertificateSerial,
    DateTimeOffset? CertificateExpiresAt,
    int RenewalGeneration,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastHeartbeatAt,
    HostResponse? Host,
    string? Suricata,
    DateTimeOffset? LastStatusAt,
    string Liveness,
    IReadOnlyList<RetiredIdentityResponse> PreviousIdentities,
    SuricataResponse? SuricataDetail,
    string? SuricataDesired,
    DateTimeOffset? CertificateIssuedAt,
    PreviousCertificateResponse? PreviousCertificate,
    DateTimeOffset? RenewalRequestedAt,
    bool RenewalPending)
{
    /// <summary>Maps the grain's snapshot.</summary>
    public static SensorResponse From(SensorSnapshot s) => new(
        s.TenantId, s.SensorId, s.Name, WireNames.Of(s.Lifecycle), WireNames.Of(s.TrustState), s.CertificateSerial,
        s.CertificateNotAfter, s.RenewalGeneration, s.CreatedAt, s.UpdatedAt, s.LastHeartbeatAt,
        s.Host is { } h ? new HostResponse(h.Hostname, h.OsInfo, h.Architecture, h.AgentVersion, h.SensorIp, h.Interfaces.Count) : null,
        s.Suricata, s.LastStatusAt, s.Liveness,
        [.. (s.RetiredIdentities ?? []).Select(r => new RetiredIdentityResponse(r.CertificateSerial, r.CertificateIssuedAt, r.RevokedAt))],
        s.SuricataDetail is { } e ? new SuricataResponse(e.Version, e.UptimeSeconds, e.RulesLoaded, e.RulesFailed, e.Packets, e.KernelDrops, e.Restarts, e.Error, e.ReportedAt) : null,
        s.SuricataDesired, s.CertificateIssuedAt,
        s.PreviousCertificate is { } p ? new PreviousCertificateResponse(p.CertificateSerial, p.NotAfter, p.AcceptedUntil) : null,
        s.RenewalRequestedAt, s.RenewalPending);
}

/// <summary>The certificate a renewal replaced, accepted next to the new one until <c>acceptedUntil</c> (the overlap).</summary>
public sealed record PreviousCertificateResponse(string CertificateSerial, DateTimeOffset CertificateExpiresAt, DateTimeOffset AcceptedUntil);

/// <summary>
/// What the sensor's agent last read from Suricata itself (its unix socket): version, uptime, rules loaded and failed,
/// packets captured and dropped by the kernel since Suricata's last start, restarts after a crash or hang since the
/// last command, and why it is not running when it is not. Absent until the agent reports it.
/// </summary>
public sealed record SuricataResponse(
    string? Version, long? UptimeSeconds, long? RulesLoaded, long? RulesFailed, long? Packets, long? KernelDrops, int? Restarts, string? Error, DateTimeOffset? ReportedAt);

/// <summary>An identity the sensor had before it was revoked and enrolled again; its certificate and NATS user stay refused.</summary>
public sealed record RetiredIdentityResponse(string CertificateSerial, DateTimeOffset CertificateIssuedAt, DateTimeOffset RevokedAt);

/// <summary>What the agent reported about its host.</summary>
public sealed record HostResponse(string Hostname, string OsInfo, string Architecture, string AgentVersion, string? SensorIp, int InterfaceCount);

/// <summary>
/// A row of the sensor list. <c>lastHeartbeatAt</c> is as of the sensor's last transition or liveness change (the
/// list reads the read model, which no heartbeat writes); the sensor's own answer has the live value.
/// </summary>
public sealed record SensorListItem(
    string SensorId,
    string Name,
    string Lifecycle,
    string TrustState,
    string? CertificateSerial,
    DateTimeOffset? CertificateExpiresAt,
    DateTimeOffset UpdatedAt,
    string Liveness,
    string? Suricata,
    DateTimeOffset? LastHeartbeatAt,
    string? Hostname,
    string? AgentVersion);

/// <summary>A page of sensors; <c>nextCursor</c> goes into <c>after</c> for the next page.</summary>
public sealed record SensorPage(IReadOnlyList<SensorListItem> Items, string? NextCursor);

/// <summary>POST …/claim-codes.</summary>
public sealed record CreateClaimCodeRequest(int? TtlSeconds);

/// <summary>
/// The claim code, shown once: the code itself followed by <c>_</c> and the CA certificate's SHA-256 fingerprint (so the
/// agent needs no CA file), the fingerprint alone (to compare with <c>openssl x509 -in ca.cert.pem -outform DER | sha256sum</c>),
/// and the command that enrolls a host with it.
/// </summary>
public sealed record ClaimCodeResponse(string ClaimCode, DateTimeOffset ExpiresAt, string CaFingerprint, string JoinCommand);

/// <summary>Counts of a tenant's sensors.</summary>
public sealed record TrustSummary(int Total, IReadOnlyDictionary<string, int> ByTrustState, IReadOnlyDictionary<string, int> ByLifecycle);

/// <summary>A sensor whose trust needs attention.</summary>
public sealed record TrustAlert(string SensorId, string Name, string TrustState, string Severity, DateTimeOffset? CertificateExpiresAt)
{
    /// <summary>How urgent a certificate in <paramref name="trustState"/> (a wire name) is; null when it needs no attention.</summary>
    public static string? SeverityOf(string? trustState) => trustState switch
    {
        "expired" => "critical",
        "renewal_due" => "high",
        "renewal_recommended" => "warning",
        _ => null,
    };
}

/// <summary>The active trust alerts of a tenant.</summary>
public sealed record TrustAlerts(IReadOnlyList<TrustAlert> Items);

/// <summary>POST …/commands.</summary>
public sealed record SubmitCommandRequest(string? Type, string? IdempotencyKey, int? TtlSeconds);

/// <summary>A command's ledger entry.</summary>
public sealed record CommandResponse(string CommandId, string Type, string Status, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, ulong? StreamSequence, DateTimeOffset UpdatedAt, string? Detail)
{
    /// <summary>Maps the grain's snapshot.</summary>
    public static CommandResponse From(CommandSnapshot c) => new(
        c.CommandId, c.Type.ToString().ToLowerInvariant(), c.Status.ToString().ToLowerInvariant(), c.IssuedAt, c.ExpiresAt, c.StreamSequence, c.UpdatedAt, c.Detail);
}

/// <summary>One entry of the audit chain.</summary>
public sealed record AuditEntry(long Sequence, DateTimeOffset At, string Actor, string Action, string Subject, string Outcome, string Detail, string Mac);

/// <summary>A page of the audit chain; <c>nextAfter</c> goes into <c>after</c>.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, long? NextAfter);

/// <summary>The verifier's verdict on a page of the audit chain: the entries checked, and the first that does not match (none when intact).</summary>
public sealed record AuditVerdictResponse(bool Verified, bool Intact, int Count, long? First, long? Last, long? BrokenSequence, string Verdict);
