namespace RavenXcope.Infrastructure.Postgres;

/// <summary>How many sensors of one tenant are in one lifecycle, trust state and liveness, for the fleet gauges.</summary>
public sealed record FleetTally(string TenantId, string Lifecycle, string TrustState, string Liveness, long Count);
