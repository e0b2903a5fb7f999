namespace RavenXcope.Infrastructure.Postgres;

/// <summary>
/// One row of <c>sensor_directory</c>, as listed; <see cref="TrustState"/> is null before a first certificate.
/// <see cref="LastHeartbeatAt"/> is as of the row's last write (a transition or a liveness change), not live.
/// </summary>
public sealed record SensorRow(
    string TenantId,
    string SensorId,
    string Name,
    string Lifecycle,
    string? TrustState,
    string? CertificateSerial,
    DateTimeOffset? CertificateNotAfter,
    DateTimeOffset UpdatedAt,
    string Liveness,
    string? Hostname,
    string? AgentVersion,
    string? Suricata,
    DateTimeOffset? LastHeartbeatAt);

/// <summary>A sensor's latest command that failed or expired, as the read model keeps it.</summary>
public sealed record FailedCommandRow(
    string TenantId, string SensorId, string Name, string CommandId, string Type, string Status, DateTimeOffset At, string? Detail);

/// <summary>
/// What a sensor list is narrowed to, by stored names; null members do not filter. <see cref="Search"/> matches
/// a part of the id, the name or the hostname, letter case aside.
/// </summary>
public sealed record SensorFilter(string? Lifecycle = null, string? TrustState = null, string? Liveness = null, string? Suricata = null, string? Search = null);

/// <summary>A row of <c>tenant_directory</c>.</summary>
public sealed record TenantRow(string TenantId, string Name, DateTimeOffset CreatedAt);

/// <summary>Sensors counted by lifecycle, trust state and liveness (of one tenant or all).</summary>
public sealed record SensorCount(string Lifecycle, string TrustState, string Liveness, int Count);
