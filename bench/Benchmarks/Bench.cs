using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NATS.Client.Core;
using Npgsql;
using RavenXcope.FleetSim;

namespace RavenXcope.Benchmarks;

/// <summary>The benchmarks over two fleets, each against a floor measured in the same run. The first fleet runs in
/// this process; the second, in a <see cref="FleetProcess"/> set up from the same <paramref name="envFile"/>.</summary>
public sealed partial class Bench(BenchTarget target, string envFile, int sensors, TextWriter log, IReadOnlySet<string>? only = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly string[] CpuNames = ["silo", "gateway", "nats", "postgres", "load generator"];
    private const int SiloCpu = 0, GatewayCpu = 1, LoadCpu = 4;
    private readonly List<BenchRow> _rows = [];
    private FleetSimulator _fleet = null!;
    private FleetProcess? _second;
    private SimOptions _options = null!;
    private HttpClient _api = null!;
    private NpgsqlDataSource? _database;
    private NatsConnection _control = null!;
    private string _tenant = null!;

    /// <summary>Runs everything and returns the rows.</summary>
    public async Task<IReadOnlyList<BenchRow>> RunAsync(CancellationToken cancellationToken)
    {
        var memoryBefore = Memory();
        _options = FleetOptions(target, sensors);
        _fleet = new FleetSimulator(_options, log);
        _api = new HttpClient { BaseAddress = target.Api };
        _api.DefaultRequestHeaders.Authorization = new("Bearer", target.AdminKey);
        try
        {
            await log.WriteLineAsync($"bench: setting up {sensors} sensors through the real enrollment and credential paths");
            var cpuBefore = Cpu();
            var setupStarted = Stopwatch.GetTimestamp();
            await _fleet.SetUpAsync(cancellationToken);
            var cpu = CpuSince(cpuBefore).Select(c => Math.Round(c, 1)).ToArray();
            var setupCpu = $"setup of {sensors} sensors took {Math.Round(Stopwatch.GetElapsedTime(setupStarted).TotalSeconds, 1)} s wall; CPU s: silo {cpu[0]}, gateway {cpu[1]}, nats {cpu[2]}, PostgreSQL {cpu[3]}, simulator {cpu[4]}";
            await log.WriteLineAsync($"bench: {setupCpu}");
            _tenant = _fleet.TenantIds[0];
            _control = await ControlConnectionAsync(cancellationToken);

            // Memory per sensor is the slope over a second fleet of the same size: the first one also
            // paid for JIT, caches and pools that do not grow with the fleet.
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            var memoryMiddle = Memory();
            _second = await FleetProcess.StartAsync(envFile, sensors, $"{_fleet.TenantIds[0]}-b", cancellationToken);
            if (Runs("5"))
            {
                await EnrollmentAsync(cancellationToken);
            }

            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            if (Runs("6"))
            {
                MemoryRow(memoryBefore, memoryMiddle);
            }

            await RefreshAsync(cancellationToken);
            if (Runs("1"))
            {
                await StatusRoutingAsync(cancellationToken);
            }

            if (Runs("2"))
            {
                await StatusLatencyAsync(cancellationToken);
            }

            if (Runs("3"))
            {
                await CommandsAsync(cancellationToken);
            }

            await RefreshAsync(cancellationToken);
            if (Runs("4"))
            {
                await HeartbeatsAsync(cancellationToken);
            }

            if (Runs("8"))
            {
                await RevocationAsync(cancellationToken);
            }
        }
        finally
        {
            if (_control is not null)
            {
                await _control.DisposeAsync();
            }

            await _fleet.ShutdownAsync();
            if (_second is not null)
            {
                await _second.DisposeAsync();
            }

            _api.Dispose();
            if (_database is not null)
            {
                await _database.DisposeAsync();
            }
        }

        return _rows;
    }

    /// <summary>A fleet of the benchmark: its agents run at their production intervals and nothing else is driven.</summary>
    public static SimOptions FleetOptions(BenchTarget target, int sensors) => new()
    {
        ApiUrl = target.Api,
        EnrollUrl = target.Enroll,
        SensorUrl = target.Sensor,
        CaFile = target.CaFile,
        AdminKey = target.AdminKey,
        Sensors = sensors,
        Commands = 0,
        SetupConcurrency = 32,
        Watch = new Dictionary<string, int>
        {
            ["silo"] = target.SiloPid,
            ["gateway"] = target.GatewayPid,
            ["nats"] = target.NatsPid,
            ["postgres"] = target.PgPid,
        },
    };

    // 7a and 7b are measured with 1 and 4.
    private bool Runs(string id) => only is null || only.Contains(id);

    private void Add(string id, string name, string unit, double system, double? floor, bool higherIsBetter, double? goal, string goalText, string note, bool? absolute = null, bool? extra = null)
    {
        double? ratio = floor is { } f && f > 0 ? Math.Round(system / f, 3) : null;
        bool? met = absolute;
        if (goal is { } g && ratio is { } r)
        {
            met = (higherIsBetter ? r >= g : r <= g) && (extra ?? true);
        }

        _rows.Add(new BenchRow(id, name, unit, Math.Round(system, 3), floor is { } fl ? Math.Round(fl, 3) : null, ratio, goalText, met, note));
        log.WriteLine($"bench: {id} {name}: {system:0.###} {unit} vs floor {floor?.ToString("0.###", CultureInfo.InvariantCulture) ?? "-"} → {ratio?.ToString(CultureInfo.InvariantCulture) ?? "-"} (goal {goalText}) {(met is true ? "met" : met is false ? "MISSED" : "")}");
    }
}
