namespace RavenXcope.Benchmarks;

/// <summary>One line of the table: the system's number, the floor's, their ratio and the goal.</summary>
public sealed record BenchRow(string Id, string Name, string Unit, double System, double? Floor, double? Ratio, string Goal, bool? Met, string Note);

/// <summary>Where the stack is, from scripts/up.sh's up.env and the bench script.</summary>
public sealed record BenchTarget(Uri Api, Uri Enroll, Uri Sensor, string CaFile, string AdminKey, string PgDsn, Uri SiloMetrics, string BackendSecret, int SiloPid, int NatsPid, int PgPid, int GatewayPid);
