using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RavenXcope.Agent;

namespace RavenXcope.FleetSim;

/// <summary>
/// Runs N real agents (<see cref="AgentRunner"/>, the code <c>ravenxcope-sensor run</c> runs), each on a state
/// directory of its own with a stand-in Suricata, against a running stack, and drives them as an operator does:
/// tenants, sensors and claim codes through the operator API, enrollment with the agent's own enrollment, commands
/// through the API; drops, a reconnect storm and restarts as faults. It measures what the agents report and checks at
/// the end, through the API, that no command was lost or reached the wrong sensor and that every sensor is online.
/// </summary>
public sealed partial class FleetSimulator
{
    private readonly SimOptions _options;
    private readonly TextWriter _log;
    private readonly Random _random;
    private readonly FleetMeter _meter = new();
    private readonly SharedTimerScheduler _clock = new();
    private readonly ConcurrentBag<string> _problems = [];
    private readonly List<VirtualSensor> _sensors = [];
    private readonly string _runId;
    private readonly string _stateRoot;
    private readonly ILoggerFactory _agentLoggers;
    private readonly AgentOptions _agentOptions;
    private HttpClient _api = null!;

    /// <summary>Creates a simulator; <paramref name="log"/> receives a line per phase, <paramref name="agentLoggers"/> the agents' logs (none by default).</summary>
    public FleetSimulator(SimOptions options, TextWriter log, ILoggerFactory? agentLoggers = null)
    {
        _options = options;
        _log = log;
        _random = new Random(options.Seed);
        _runId = options.RunId ?? $"sim{options.Seed % 1000}-{DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 1_000_000}";
        _stateRoot = Path.Combine(options.StateRoot, $"rxc-fleetsim-{_runId}-{Environment.ProcessId}");
        _agentLoggers = agentLoggers ?? NullLoggerFactory.Instance;
        _agentOptions = new AgentOptions
        {
            StateDirectory = _stateRoot,
            SensorUrl = options.SensorUrl,
            StatusInterval = options.Interval,
            TimeScale = options.TimeScale,
            TlsServerName = options.TlsServerName,
            NatsBufferBytes = 16 * 1024,
        };
        _meter.CommandTaken += OnTaken;
    }

    /// <summary>Raised when an agent takes a command: sensor, command id, <see cref="Stopwatch"/> timestamp.</summary>
    public event Action<VirtualSensor, string, long>? CommandReceived;

    /// <summary>The fleet, once <see cref="SetUpAsync"/> has run.</summary>
    public IReadOnlyList<VirtualSensor> Sensors => _sensors;

    /// <summary>The counters so far.</summary>
    public SimCounts Counts => _meter.Counts;

    /// <summary>Enrollment latencies so far.</summary>
    public LatencySummary EnrollLatency => _meter.Enroll.Summarize();

    /// <summary>CPU milliseconds per enrolled sensor during the enrollment window, by watched process (children included) and this one.</summary>
    public Dictionary<string, double> EnrollCpuMsPerSensor { get; } = [];

    /// <summary>The tenant ids of this run.</summary>
    public IReadOnlyList<string> TenantIds => [.. Enumerable.Range(0, _options.Tenants).Select(i => $"{_runId}-{i}")];

    /// <summary>The options every agent of the fleet runs with (its state directory aside).</summary>
    public AgentOptions AgentOptions => _agentOptions;

    /// <summary>Runs a named restart (nats, postgres) when the steady phase asks for it.</summary>
    public Func<string, CancellationToken, Task>? FaultHook { get; init; }

    /// <summary>Runs the whole simulation and returns its report; <see cref="SimReport.Steady"/> says whether it passed.</summary>
    public async Task<SimReport> RunAsync(CancellationToken cancellationToken)
    {
        if (_options.Validate() is { } invalid)
        {
            throw new ArgumentException(invalid);
        }

        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var cpuBefore = _options.Watch.ToDictionary(w => w.Key, w => ProcessProbe.CpuSeconds(w.Value) ?? 0);
        var ownCpuBefore = ProcessProbe.CpuSeconds(Environment.ProcessId) ?? 0;
        var phases = new Dictionary<string, double>();

        try
        {
            await PhaseAsync("setup", phases, () => SetUpAsync(cancellationToken));
            var steady = await PhaseAsync("steady+settle", phases, () => SteadyAndSettleAsync(cancellationToken));
            if (!steady)
            {
                _problems.Add("no steady state before the settle deadline");
            }
        }
        finally
        {
            await ShutdownAsync();
        }

        var counts = _meter.Counts;
        phases["enroll"] = counts.EnrollSeconds;
        var processes = _options.Watch
            .Select(w => new ProcessUsage(w.Key, w.Value, Math.Round((ProcessProbe.CpuSeconds(w.Value) ?? 0) - cpuBefore[w.Key], 2), ProcessProbe.StatusBytes(w.Value, "VmHWM"), ProcessProbe.StatusBytes(w.Value, "VmRSS")))
            .Append(new ProcessUsage("fleetsim", Environment.ProcessId, Math.Round((ProcessProbe.CpuSeconds(Environment.ProcessId) ?? 0) - ownCpuBefore, 2), ProcessProbe.StatusBytes(Environment.ProcessId, "VmHWM"), ProcessProbe.StatusBytes(Environment.ProcessId, "VmRSS")))
            .ToList();

        return new SimReport(
            "ravenxcope-fleetsim",
            startedAt,
            Math.Round(clock.Elapsed.TotalSeconds, 2),
            new SimConfig(_options.Sensors, _options.Tenants, _options.Duration.TotalSeconds, _options.TimeScale, _options.Seed, _options.Commands, _options.FailFraction, _options.DropFraction, _options.Storm, _options.Restarts, _runId),
            _problems.IsEmpty,
            [.. _problems.Distinct()],
            counts,
            new Dictionary<string, LatencySummary>
            {
                ["enroll"] = _meter.Enroll.Summarize(),
                ["natsCredentials"] = _meter.Credentials.Summarize(),
                ["heartbeat"] = _meter.Heartbeat.Summarize(),
                ["commandSubmitToReceived"] = _meter.Command.Summarize(),
                ["natsReconnect"] = _meter.Reconnect.Summarize(),
                ["agentStop"] = _meter.Stop.Summarize(),
            },
            phases,
            processes,
            EnrollCpuMsPerSensor);
    }

    /// <summary>Tenants, sensors, claim codes, enrollment, and every agent started and connected: the fleet, ready.</summary>
    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        if (_options.Validate() is { } invalid)
        {
            throw new ArgumentException(invalid);
        }

        // Each agent holds a NATS and an mTLS connection: too few files for both is refused now rather than failing
        // halfway through.
        if (ProcessProbe.FreeFileDescriptors() is { } free && free < (_options.Sensors * 2) + 256)
        {
            throw new SimulationFailedException($"{_options.Sensors} sensors want about {(_options.Sensors * 2) + 256} more open files and this process may open {free} more; raise the limit (ulimit -n) or run fewer sensors");
        }

        Directory.CreateDirectory(_stateRoot);
        _api = new HttpClient { BaseAddress = _options.ApiUrl, Timeout = TimeSpan.FromSeconds(30) };
        _api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _options.AdminKey);

        await CreateTenantsAsync(cancellationToken);
        await EnrollAllAsync(cancellationToken);
        _meter.Counts.EnrollPerSecond = Math.Round(_meter.Counts.SensorsEnrolled / Math.Max(_meter.Counts.EnrollSeconds, 0.001), 1);
        await StartAllAsync(cancellationToken);
    }

    /// <summary>Stops every agent and removes their state directories.</summary>
    public async Task ShutdownAsync()
    {
        await Task.WhenAll(_sensors.Select(s => s.StopAsync()));
        _clock.Dispose();
        _api?.Dispose();
        try
        {
            if (Directory.Exists(_stateRoot))
            {
                Directory.Delete(_stateRoot, recursive: true);
            }
        }
        catch (IOException e)
        {
            await _log.WriteLineAsync($"fleetsim: could not remove {_stateRoot}: {e.Message}");
        }
    }

    private static async Task<T> PhaseAsync<T>(string name, Dictionary<string, double> phases, Func<Task<T>> phase)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await phase();
        }
        finally
        {
            phases[name] = Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 3);
        }
    }

    private static Task PhaseAsync(string name, Dictionary<string, double> phases, Func<Task> phase) =>
        PhaseAsync(name, phases, async () =>
        {
            await phase();
            return true;
        });

    private Task ForEachAsync<T>(IEnumerable<T> items, Func<T, CancellationToken, Task> action, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = _options.SetupConcurrency, CancellationToken = cancellationToken }, async (item, ct) => await action(item, ct));

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static void Require(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new SimulationFailedException($"{what}: the operator API answered {(int)response.StatusCode}");
        }
    }
}

/// <summary>The run could not set up its fleet; the message says what failed.</summary>
public sealed class SimulationFailedException(string message) : Exception(message);
