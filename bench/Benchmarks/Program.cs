using System.Globalization;
using System.Text;
using System.Text.Json;
using RavenXcope.Benchmarks;

// ravenxcope-bench ENV_FILE SENSORS JSON_OUT MARKDOWN_OUT: run by scripts/bench.sh against the private stack it started.
// ravenxcope-bench fleet ENV_FILE SENSORS RUN_ID: the second fleet's process, started by the first form (FleetProcess).
if (args.Length == 4 && args[0] == FleetProcessHost.Verb && File.Exists(args[1]) && int.TryParse(args[2], out var fleetSensors))
{
    return await FleetProcessHost.RunAsync(BenchTarget.Load(args[1]), fleetSensors, args[3]);
}

if (args.Length != 4 || !File.Exists(args[0]) || !int.TryParse(args[1], out var sensors))
{
    Console.Error.WriteLine("usage: ravenxcope-bench ENV_FILE SENSORS JSON_OUT MARKDOWN_OUT (scripts/bench.sh runs it)");
    return 2;
}

var target = BenchTarget.Load(args[0]);
var started = DateTimeOffset.UtcNow;
// RXC_BENCH_ONLY=1,4 runs some of the benchmarks (the fleet is set up all the same).
var only = Environment.GetEnvironmentVariable("RXC_BENCH_ONLY") is { Length: > 0 } list
    ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet()
    : null;
var rows = await new Bench(target, args[0], sensors, Console.Error, only).RunAsync(CancellationToken.None);

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
