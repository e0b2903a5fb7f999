namespace RavenXcope.Infrastructure.Postgres;

/// <summary>One row of <c>sensor_directory</c>, as listed; <see cref="TrustState"/> is null before a first certificate.</summary>
public sealed record SensorRow(string SensorId, string Name, string Lifecycle, string? TrustState, string? CertificateSerial, DateTimeOffset? CertificateNotAfter, DateTimeOffset UpdatedAt);
