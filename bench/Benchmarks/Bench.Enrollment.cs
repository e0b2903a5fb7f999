using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RavenXcope.Benchmarks;

/// <summary>5 and 6: enrollment against its floor, and memory per sensor.</summary>
public sealed partial class Bench
{
    // 5. Enrollment: claim → certificate (persisted) through the gateway vs CSR parse + verify + sign in process.
    // The system's rate is the second fleet's: the first one's also paid for JIT compilation and warming the
    // pools, and is given in the note.
    private async Task EnrollmentAsync(CancellationToken cancellationToken)
    {
        var system = _second!.EnrollPerSecond;
        using var caCert = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(target.CaFile, cancellationToken));
        using var caKey = ECDsa.Create();
        caKey.ImportFromPem(await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(target.CaFile)!, "ca.key.pem"), cancellationToken));
        var generator = X509SignatureGenerator.CreateForECDsa(caKey);
        var csrs = Enumerable.Range(0, 2000).Select(i =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return new CertificateRequest($"CN=floor-{i}", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        }).ToArray();
        var started = Stopwatch.GetTimestamp();
        Parallel.ForEach(csrs, csr =>
        {
            var request = CertificateRequest.LoadSigningRequestPem(csr, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
            var serial = RandomNumberGenerator.GetBytes(16);
            serial[0] &= 0x7F;
            using var issued = request.Create(caCert.SubjectName, generator, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30), serial);
        });
        var floor = csrs.Length / Stopwatch.GetElapsedTime(started).TotalSeconds;
        Add("5", "Enrollment (claim → certificate, persisted)", "enrollments/s", system, floor, higherIsBetter: true, goal: 0.25,
            extra: system >= 500, goalText: "≥ 0.25 and ≥ 500/s",
            note: $"{sensors} enrollments into a warm system, 32 in flight, p99 {_second.EnrollP99} ms (the first, cold fleet: {_fleet.Counts.EnrollPerSecond}/s); "
                + $"CPU ms per enrollment: {string.Join(", ", _second.EnrollCpuMsPerSensor.Select(p => $"{p.Key} {p.Value}"))}; floor: .NET CSR load+verify+sign with the same CA key, P-256 CSRs, all cores");
    }

    // 6. Memory per idle enrolled sensor: silo, nats-server, PostgreSQL, from RSS before and after the fleet.
    private void MemoryRow((long Silo, long Nats, long Pg) first, (long Silo, long Nats, long Pg) before)
    {
        var after = Memory();
        var firstTotal = ((before.Silo - first.Silo) + (before.Nats - first.Nats) + (before.Pg - first.Pg)) / 1024.0 / sensors;
        double PerSensor(long a, long b) => Math.Round((a - b) / 1024.0 / sensors, 1);
        var silo = PerSensor(after.Silo, before.Silo);
        var nats = PerSensor(after.Nats, before.Nats);
        var pg = PerSensor(after.Pg, before.Pg);
        var total = silo + nats + pg;
        Add("6a", "Silo memory per idle enrolled sensor", "KB", silo, 2.5, higherIsBetter: false, goal: 4 / 2.5,
            goalText: "≤ 4 KB", note: $"RSS slope over a second fleet of {sensors} sensors (not 100 000); the first fleet's delta was {Math.Round(firstTotal, 1)} KB/sensor in all; floor: a fixed reference figure (2.5 KB), not measured in the run", absolute: silo <= 4);
        Add("6b", "nats-server memory per sensor (consumer + waiting pull)", "KB", nats, 45 + 16, higherIsBetter: false, goal: null,
            goalText: "report", note: "floor: a fixed reference figure (45 KB a consumer + 16 KB a waiting pull), not measured in the run");
        Add("6c", "Whole system per sensor (silo + NATS + PostgreSQL)", "KB", Math.Round(total, 1), null, higherIsBetter: false, goal: null,
            goalText: "≤ 64 KB", note: $"PostgreSQL {pg} KB (proportional set size of all its processes)", absolute: total <= 64);
    }
}
