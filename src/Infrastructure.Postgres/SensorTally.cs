namespace RavenXcope.Infrastructure.Postgres;

/// <summary>How many of a tenant's sensors are in one trust state and lifecycle (trust state <c>none</c> before a first certificate).</summary>
public sealed record SensorTally(string TrustState, string Lifecycle, int Count);
