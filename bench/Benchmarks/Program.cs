using System.Globalization;
using System.Text;
using System.Text.Json;
using RavenXcope.Benchmarks;

// ravenxcope-bench ENV_FILE SENSORS JSON_OUT MARKDOWN_OUT: run by scripts/bench.sh against the private stack it started.
if (args.Length != 4 || !File.Exists(args[0]) || !int.TryParse(args[1], out var sensors))
{
    Console.Error.WriteLine("usage: ravenxcope-bench ENV_FILE SENSORS JSON_OUT MARKDOWN_OUT (scripts/bench.sh runs it)");
    return 2;
}

var env = File.ReadLines(args[0]).Where(l => l.Contains('=')).ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..]);
string Need(string name) => env.TryGetValue(name, out var v) ? v : Environment.GetEnvironmentVariable(name) ?? throw new InvalidOperationException($"{name} is not set");
var target = new BenchTarget(
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

var started = DateTimeOffset.UtcNow;
// RXC_BENCH_ONLY=1,4 runs some of the benchmarks (the fleet is set up all the same).
var only = Environment.GetEnvironmentVariable("RXC_BENCH_ONLY") is { Length: > 0 } list
    ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet()
    : null;
var rows = await new Bench(target, sensors, Console.Error, only).RunAsync(CancellationToken.None);

var table = new StringBuilder();
table.AppendLine("| # | path | system | floor | ratio | goal | met |");
table.AppendLine("|---|---|---|---|---|---|---|");
foreach (var r in rows)
{
    table.AppendLine(CultureInfo.InvariantCulture, $"| {r.Id} | {r.Name} | {r.System} {r.Unit} | {(r.Floor is { } f ? $"{f} {r.Unit}" : "–")} | {(r.Ratio is { } x ? x.ToString(CultureInfo.InvariantCulture) : "–")} | {r.Goal} | {(r.Met is true ? "yes" : r.Met is false ? "**no**" : "–")} |");
}

Console.WriteLine(table);
var machine = $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
await File.WriteAllTextAsync(args[2], JsonSerializer.Serialize(new { startedAt = started, machine, sensors, rows }, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
await File.WriteAllTextAsync(args[3], $"Measured {started:yyyy-MM-dd} on {machine}, {sensors} sensors:\n\n{table}\n{string.Join('\n', rows.Select(r => $"- {r.Id}: {r.Note}"))}\n");
return 0;
