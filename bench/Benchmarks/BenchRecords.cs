using System.Globalization;

namespace RavenXcope.Benchmarks;

/// <summary>One line of the table: the system's number, the floor's, their ratio and the goal.</summary>
public sealed record BenchRow(string Id, string Name, string Unit, double System, double? Floor, double? Ratio, string Goal, bool? Met, string Note);

/// <summary>Where the stack is, from scripts/up.sh's up.env and the bench script.</summary>
public sealed record BenchTarget(Uri Api, Uri Enroll, Uri Sensor, string CaFile, string AdminKey, string PgDsn, Uri SiloMetrics, string BackendSecret, int SiloPid, int NatsPid, int PgPid, int GatewayPid)
{
    /// <summary>Reads the KEY=value file scripts/bench.sh writes (a name missing there is taken from the environment).</summary>
    public static BenchTarget Load(string envFile)
    {
        var env = File.ReadLines(envFile).Where(l => l.Contains('=')).ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..]);
        string Need(string name) => env.TryGetValue(name, out var v) ? v : Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set");
        return new BenchTarget(
            new Uri(Need("GATEWAY_URL")),
            new Uri(Need("ENROLL_URL")),
            new Uri(Need("SENSOR_MTLS_URL")),
            Need("CA_FILE"),
            Need("ADMIN_API_KEY"),
            Need("PG_DSN"),
            new Uri(Need("SILO_HEALTH_URL").Replace("/healthz", "/metrics", StringComparison.Ordinal)),
            Need("BACKEND_SHARED_SECRET"),
            int.Parse(Need("SILO_PID"), CultureInfo.InvariantCulture),
            int.Parse(Need("NATS_PID"), CultureInfo.InvariantCulture),
            int.Parse(Need("PG_PID"), CultureInfo.InvariantCulture),
            int.Parse(Need("GATEWAY_PID"), CultureInfo.InvariantCulture));
    }
}
