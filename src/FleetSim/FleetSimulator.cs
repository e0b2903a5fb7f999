using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RavenXcope.Common;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.NKeys;

namespace RavenXcope.FleetSim;

/// <summary>
/// Drives N virtual sensors through the real protocol: operator API for tenants, sensors, claim codes and
/// commands; CSR enrollment; NATS credentials over mTLS; status on <c>rxc.&lt;t&gt;.&lt;s&gt;.status</c>; commands
/// pulled from each sensor's own durable consumer and acked; heartbeats on kept-alive mTLS connections.
/// One scheduler loop fires every timed action; each sensor keeps only a pending pull while connected.
/// </summary>
public sealed class FleetSimulator
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly string[] CommandTypes = ["start", "stop", "restart"];
    private static readonly HashSet<string> FinalStatuses = ["done", "failed", "expired", "superseded"];

    private readonly SimOptions _options;
    private readonly TextWriter _log;
    private readonly Random _random;
    private readonly SimCounts _counts = new();
    private readonly LatencyRecorder _enroll = new();
    private readonly LatencyRecorder _credentials = new();
    private readonly LatencyRecorder _heartbeat = new();
    private readonly LatencyRecorder _command = new();
    private readonly LatencyRecorder _reconnect = new();
    private readonly ConcurrentDictionary<string, CommandTrack> _commands = new();
    private readonly ConcurrentDictionary<string, (VirtualSensor Sensor, long At)> _earlyReceipts = new();
    private readonly ConcurrentBag<string> _problems = [];
    private readonly SemaphoreSlim _inFlight = new(512);
    private readonly List<VirtualSensor> _sensors = [];
    private readonly string _runId;
    private X509Certificate2 _ca = null!;
    private HttpClient _api = null!;
    private HttpClient _enrollClient = null!;

    /// <summary>Creates a simulator; <paramref name="log"/> receives a line per phase.</summary>
    public FleetSimulator(SimOptions options, TextWriter log)
    {
        _options = options;
        _log = log;
        _random = new Random(options.Seed);
        _runId = options.RunId ?? $"sim{options.Seed % 1000}-{DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 1_000_000}";
    }

    /// <summary>Raised when a virtual agent pulls a command: sensor, command id, <see cref="Stopwatch"/> timestamp.</summary>
    public event Action<VirtualSensor, string, long>? CommandReceived;

    /// <summary>The fleet, once <see cref="SetUpAsync"/> has run.</summary>
    public IReadOnlyList<VirtualSensor> Sensors => _sensors;

    /// <summary>The counters so far.</summary>
    public SimCounts Counts => _counts;

    /// <summary>Enrollment latencies so far.</summary>
    public LatencySummary EnrollLatency => _enroll.Summarize();

    /// <summary>CPU milliseconds per enrolled sensor during the enrollment window, by watched process (children included) and this one.</summary>
    public Dictionary<string, double> EnrollCpuMsPerSensor { get; } = [];

    /// <summary>The tenant ids of this run.</summary>
    public IReadOnlyList<string> TenantIds => [.. Enumerable.Range(0, _options.Tenants).Select(i => $"{_runId}-{i}")];

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

        phases["enroll"] = _counts.EnrollSeconds;
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
            _counts,
            new Dictionary<string, LatencySummary>
            {
                ["enroll"] = _enroll.Summarize(),
                ["natsCredentials"] = _credentials.Summarize(),
                ["heartbeat"] = _heartbeat.Summarize(),
                ["commandSubmitToReceived"] = _command.Summarize(),
                ["natsReconnect"] = _reconnect.Summarize(),
            },
            phases,
            processes,
            EnrollCpuMsPerSensor);
    }

    /// <summary>Tenants, sensors, claim codes, enrollment, NATS credentials and connections: the fleet, ready.</summary>
    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        if (_options.Validate() is { } invalid)
        {
            throw new ArgumentException(invalid);
        }

        // Each sensor holds a NATS connection and, while it heartbeats, an mTLS one: too few files for the NATS
        // connections is refused now rather than failing halfway through; too few for both is said.
        if (ProcessProbe.FreeFileDescriptors() is { } free && free < (_options.Sensors * 2) + 256)
        {
            var message = $"{_options.Sensors} sensors want about {(_options.Sensors * 2) + 256} more open files and this process may open {free} more; raise the limit (ulimit -n) or run fewer sensors";
            if (free < _options.Sensors + 256)
            {
                throw new SimulationFailedException(message);
            }

            await _log.WriteLineAsync($"fleetsim: warning: {message} (idle mTLS connections that the gateway closes make room)");
        }

        _ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(_options.CaFile, cancellationToken));
        _api = new HttpClient { BaseAddress = _options.ApiUrl, Timeout = TimeSpan.FromSeconds(30) };
        _api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _options.AdminKey);
        _enrollClient = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions().TrustOnly(_ca),
        })
        {
            BaseAddress = _options.EnrollUrl,
            Timeout = TimeSpan.FromSeconds(30),
        };

        await CreateTenantsAsync(cancellationToken);
        await EnrollAllAsync(cancellationToken);
        _counts.EnrollPerSecond = Math.Round(_counts.SensorsEnrolled / Math.Max(_counts.EnrollSeconds, 0.001), 1);
        await ConnectAllAsync(cancellationToken);
    }

    /// <summary>Closes every connection the fleet holds.</summary>
    public async Task ShutdownAsync()
    {
        foreach (var sensor in _sensors)
        {
            sensor.Session?.Cancel();
            if (sensor.Connection is { } connection)
            {
                await connection.DisposeAsync();
            }

            sensor.Mtls?.Dispose();
            sensor.Identity?.Dispose();
            sensor.PrivateKey?.Dispose();
        }

        _api?.Dispose();
        _enrollClient?.Dispose();
        _ca?.Dispose();
    }

    private Dictionary<string, double> CpuByProcess() => _options.Watch
        .Select(w => (w.Key, ProcessProbe.TreeCpuSeconds(w.Value) ?? 0))
        .Append(("fleetsim", ProcessProbe.CpuSeconds(Environment.ProcessId) ?? 0))
        .ToDictionary(p => p.Item1, p => p.Item2);

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

    // ---- setup ----

    private async Task CreateTenantsAsync(CancellationToken cancellationToken)
    {
        var tenants = Enumerable.Range(0, _options.Tenants).Select(i => $"{_runId}-{i}").ToList();
        foreach (var tenantId in tenants)
        {
            using var created = await _api.PostAsJsonAsync("/api/v1/tenants", new { tenantId, name = $"fleetsim {tenantId}" }, cancellationToken);
            Require(created, $"create tenant {tenantId}");
        }

        // Commands and credentials need the tenant's NATS account.
        var deadline = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * 60);
        foreach (var tenantId in tenants)
        {
            while (true)
            {
                using var response = await _api.GetAsync($"/api/v1/tenants/{tenantId}", cancellationToken);
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                if (body.TryGetProperty("natsAccount", out var account) && account.GetProperty("status").GetString() == "provisioned")
                {
                    break;
                }

                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new SimulationFailedException($"tenant {tenantId}'s NATS account was not provisioned within 60 s");
                }

                await Task.Delay(200, cancellationToken);
            }
        }

        for (var i = 0; i < _options.Sensors; i++)
        {
            _sensors.Add(new VirtualSensor(i, tenants[i % tenants.Count], $"s{i:D6}"));
        }

        _counts.Tenants = tenants.Count;
        await _log.WriteLineAsync($"fleetsim: {tenants.Count} tenant(s) provisioned, run {_runId}");
    }

    private async Task EnrollAllAsync(CancellationToken cancellationToken)
    {
        // Registration and claim codes are the operator's part; the enrollment rate is measured on /enroll alone.
        await ForEachAsync(_sensors, async (sensor, ct) =>
        {
            using (var created = await _api.PostAsJsonAsync($"/api/v1/tenants/{sensor.TenantId}/sensors", new { sensorId = sensor.SensorId, name = $"virtual {sensor.Index}" }, ct))
            {
                Require(created, $"create sensor {sensor.Key}");
            }
        }, cancellationToken);

        var codes = new ConcurrentDictionary<VirtualSensor, string>();
        await ForEachAsync(_sensors, async (sensor, ct) =>
        {
            using var issued = await _api.PostAsJsonAsync($"/api/v1/tenants/{sensor.TenantId}/sensors/{sensor.SensorId}/claim-codes", new { ttlSeconds = 3600 }, ct);
            Require(issued, $"claim code for {sensor.Key}");
            codes[sensor] = (await issued.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("claimCode").GetString()!;
        }, cancellationToken);

        // Each host makes its key and CSR on its own machine: outside the measured window, so that the
        // enrollment rate is the control plane's and not this process's key generation.
        var requests = new ConcurrentDictionary<VirtualSensor, (ECDsa Key, string Csr)>();
        Parallel.ForEach(_sensors, sensor =>
        {
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            requests[sensor] = (key, new CertificateRequest($"CN=virtual-{sensor.Index}", key, HashAlgorithmName.SHA256).CreateSigningRequestPem());
        });

        var certificates = new ConcurrentDictionary<VirtualSensor, string>();
        await _log.WriteLineAsync($"fleetsim: {_sensors.Count} sensors registered, each with a claim code and a CSR; enrolling");
        var cpuBefore = CpuByProcess();
        var enrollStarted = Stopwatch.GetTimestamp();
        await ForEachAsync(_sensors, async (sensor, ct) =>
        {
            var (key, csr) = requests[sensor];
            var started = Stopwatch.GetTimestamp();
            using var enrolled = await _enrollClient.PostAsJsonAsync("/api/v1/enroll", new
            {
                claimCode = codes[sensor],
                csrPem = csr,
                hostname = $"virtual-{sensor.Index}",
                osInfo = "fleetsim",
                architecture = "x86_64",
                agentVersion = "fleetsim-1.0.0",
                sensorIp = "127.0.0.1",
                interfaces = Array.Empty<object>(),
            }, ct);
            if (!enrolled.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref _counts.EnrollRefused);
                _problems.Add($"enrollment of {sensor.Key} answered {(int)enrolled.StatusCode}");
                key.Dispose();
                return;
            }

            certificates[sensor] = (await enrolled.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("certificatePem").GetString()!;
            _enroll.RecordSince(started);
            Interlocked.Increment(ref _counts.SensorsEnrolled);
        }, cancellationToken);
        _counts.EnrollSeconds = Math.Round(Stopwatch.GetElapsedTime(enrollStarted).TotalSeconds, 3);
        foreach (var (name, after) in CpuByProcess())
        {
            EnrollCpuMsPerSensor[name] = Math.Round(1000 * (after - cpuBefore[name]) / Math.Max(1, _counts.SensorsEnrolled), 2);
        }

        foreach (var (sensor, pem) in certificates)
        {
            var key = requests[sensor].Key;
            using var publicOnly = X509Certificate2.CreateFromPem(pem);
            sensor.PrivateKey = key;
            sensor.Identity = publicOnly.CopyWithPrivateKey(key);
            sensor.Mtls = sensor.NewMtlsClient(_options.SensorUrl, _ca);
        }

        await _log.WriteLineAsync($"fleetsim: {_counts.SensorsEnrolled} sensors enrolled in {_counts.EnrollSeconds} s");
        if (_counts.SensorsEnrolled != _sensors.Count)
        {
            throw new SimulationFailedException($"only {_counts.SensorsEnrolled} of {_sensors.Count} sensors enrolled");
        }
    }

    private async Task ConnectAllAsync(CancellationToken cancellationToken)
    {
        await ForEachAsync(_sensors, async (sensor, ct) =>
        {
            var started = Stopwatch.GetTimestamp();
            var deadline = started + (long)(Stopwatch.Frequency * 60);
            using var user = KeyPair.CreatePair(PrefixByte.User);
            while (true)
            {
                using var response = await sensor.Mtls!.PostAsJsonAsync("/sensor/v1/nats-credentials", new { userPublicKey = user.GetPublicKey() }, ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    sensor.Credentials = await response.Content.ReadFromJsonAsync<NatsCredentials>(Json, ct);
                    sensor.UserSeed = user.GetSeed();

                    // The heartbeats open it again (resuming the TLS session): an idle connection held through setup
                    // would halve the fleet one process can hold within its open-files limits.
                    lock (sensor)
                    {
                        sensor.Mtls!.Dispose();
                        sensor.Mtls = sensor.NewMtlsClient(_options.SensorUrl, _ca);
                    }

                    _credentials.RecordSince(started);
                    Interlocked.Increment(ref _counts.CredentialsIssued);
                    break;
                }

                if (response.StatusCode != HttpStatusCode.Accepted || Stopwatch.GetTimestamp() > deadline)
                {
                    throw new SimulationFailedException($"NATS credentials for {sensor.Key}: {(int)response.StatusCode}");
                }

                Interlocked.Increment(ref _counts.CredentialsPending);
                await Task.Delay(500, ct);
            }

            await ConnectAsync(sensor, ct);
        }, cancellationToken);
        await _log.WriteLineAsync($"fleetsim: {_counts.CredentialsIssued} NATS users issued and connected");
    }

    private async Task ConnectAsync(VirtualSensor sensor, CancellationToken cancellationToken)
    {
        var credentials = sensor.Credentials!;
        var connection = new NatsConnection(NatsOpts.Default with
        {
            Url = credentials.NatsUrl,
            Name = $"fleetsim-{sensor.TenantId}-{sensor.SensorId}",
            AuthOpts = NatsAuthOpts.Default with { Jwt = credentials.Jwt, Seed = sensor.UserSeed },
            InboxPrefix = credentials.InboxPrefix,
            ConnectTimeout = TimeSpan.FromSeconds(10),

            // A sensor sends a few hundred bytes at a time; the default megabyte buffers would make a large fleet's memory the simulator's own.
            WriterBufferSize = 16 * 1024,
            ReaderBufferSize = 16 * 1024,
        });
        try
        {
            await connection.ConnectAsync();
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lock (sensor)
        {
            sensor.Connection = connection;
            sensor.Session = session;
        }

        Interlocked.Increment(ref _counts.NatsConnects);
        _ = PullLoopAsync(sensor, connection, session.Token);
        await PublishStatusAsync(sensor);
    }

    // ---- steady phase ----

    private async Task<bool> SteadyAndSettleAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var scheduler = Task.Run(() => ScheduleAsync(stop.Token), CancellationToken.None);
        try
        {
            await Task.Delay(_options.Duration, cancellationToken);
            await _log.WriteLineAsync($"fleetsim: steady phase over ({_counts.CommandsAccepted} commands accepted); checking that nothing was lost");
            return await SettleAsync(cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await scheduler;
        }
    }

    private enum Due
    {
        Status,
        Heartbeat,
        Reconnect,
    }

    private async Task ScheduleAsync(CancellationToken cancellationToken)
    {
        var queue = new PriorityQueue<(VirtualSensor Sensor, Due Kind), long>();
        var interval = _options.Interval;
        var now = Stopwatch.GetTimestamp();
        foreach (var sensor in _sensors)
        {
            // Spread the first round over one interval, as a fleet's agents are.
            queue.Enqueue((sensor, Due.Status), now + Ticks(interval * _random.NextDouble()));
            queue.Enqueue((sensor, Due.Heartbeat), now + Ticks(interval * _random.NextDouble()));
        }

        var steadyStart = now;
        var commandWindow = _options.Duration * 0.8;
        var submitted = 0;
        bool dropped = false, stormed = false, restarted = false;
        var commandSubmissions = new List<Task>();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            while (await tick.WaitForNextTickAsync(cancellationToken))
            {
                now = Stopwatch.GetTimestamp();
                var elapsed = Stopwatch.GetElapsedTime(steadyStart);
                while (queue.TryPeek(out var item, out var due) && due <= now)
                {
                    queue.Dequeue();
                    var next = Fire(item.Sensor, item.Kind, cancellationToken);
                    if (next is { } after)
                    {
                        queue.Enqueue(item, now + Ticks(after));
                    }
                }

                // Commands spread evenly over the first 80 % of the steady phase.
                var dueCommands = elapsed >= commandWindow ? _options.Commands : (int)(_options.Commands * (elapsed / commandWindow));
                for (; submitted < dueCommands; submitted++)
                {
                    commandSubmissions.Add(SubmitCommandAsync(_sensors[_random.Next(_sensors.Count)], CommandTypes[_random.Next(CommandTypes.Length)], $"{_runId}-{submitted}", cancellationToken));
                }

                if (!dropped && _options.DropFraction > 0 && elapsed >= _options.Duration / 3)
                {
                    dropped = true;
                    var victims = _sensors.Where(_ => _random.NextDouble() < _options.DropFraction).ToList();
                    await _log.WriteLineAsync($"fleetsim: dropping {victims.Count} sensors");
                    foreach (var victim in victims)
                    {
                        Drop(victim);
                        queue.Enqueue((victim, Due.Reconnect), now + Ticks(TimeSpan.FromSeconds(0.5 + (_random.NextDouble() * 1.5))));
                    }
                }

                if (!stormed && _options.Storm && elapsed >= _options.Duration / 2)
                {
                    stormed = true;
                    await _log.WriteLineAsync($"fleetsim: reconnect storm, all {_sensors.Count} sensors");
                    foreach (var victim in _sensors.Where(s => !s.Reconnecting))
                    {
                        Drop(victim);
                        queue.Enqueue((victim, Due.Reconnect), now + Ticks(TimeSpan.FromSeconds(_random.NextDouble() * 3)));
                    }
                }

                if (!restarted && _options.Restarts.Count > 0 && elapsed >= _options.Duration * 2 / 3)
                {
                    restarted = true;
                    _ = RestartAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(commandSubmissions);
    }

    private TimeSpan? Fire(VirtualSensor sensor, Due kind, CancellationToken cancellationToken)
    {
        var jittered = _options.Interval * (0.9 + (_random.NextDouble() * 0.2));
        switch (kind)
        {
            case Due.Status:
                _ = Limited(() => PublishStatusAsync(sensor), cancellationToken);
                return jittered;
            case Due.Heartbeat:
                _ = Limited(() => HeartbeatAsync(sensor, cancellationToken), cancellationToken);
                return jittered;
            default:
                _ = Limited(() => ReconnectAsync(sensor, cancellationToken), cancellationToken);
                return null;
        }
    }

    private async Task Limited(Func<Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await _inFlight.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            await action();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _counts.ActionErrors);
            _problems.Add($"unexpected {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private void Drop(VirtualSensor sensor)
    {
        NatsConnection? connection;
        HttpClient? mtls;
        lock (sensor)
        {
            connection = sensor.Connection;
            sensor.Connection = null;
            sensor.Session?.Cancel();
            sensor.Reconnecting = true;
            mtls = sensor.Mtls;
            // A dropped host also loses its kept-alive mTLS connection: the next heartbeat handshakes again.
            sensor.Mtls = sensor.NewMtlsClient(_options.SensorUrl, _ca);
        }

        mtls?.Dispose();
        Interlocked.Increment(ref _counts.Drops);
        if (connection is not null)
        {
            _ = connection.DisposeAsync().AsTask();
        }
    }

    private async Task ReconnectAsync(VirtualSensor sensor, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(250);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ConnectAsync(sensor, cancellationToken);
                lock (sensor)
                {
                    sensor.Reconnecting = false;
                }

                _reconnect.RecordSince(started);
                Interlocked.Increment(ref _counts.Reconnects);
                return;
            }
            catch (Exception e) when (e is NatsException or IOException or TimeoutException)
            {
                Interlocked.Increment(ref _counts.ReconnectRetries);
                await Task.Delay(delay * (0.5 + _random.NextDouble()), cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(5000, delay.TotalMilliseconds * 2));
            }
        }
    }

    private async Task RestartAsync(CancellationToken cancellationToken)
    {
        foreach (var name in _options.Restarts)
        {
            if (FaultHook is null)
            {
                _problems.Add($"restart of {name} asked for, but nothing can restart it");
                continue;
            }

            await _log.WriteLineAsync($"fleetsim: restarting {name}");
            try
            {
                await FaultHook(name, cancellationToken);
                Interlocked.Increment(ref _counts.Restarts);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _problems.Add($"restart of {name} failed: {e.Message}");
            }
        }
    }

    private async Task HeartbeatAsync(VirtualSensor sensor, CancellationToken cancellationToken)
    {
        HttpClient client;
        string observed;
        lock (sensor)
        {
            client = sensor.Mtls!;
            observed = sensor.Observed;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await client.PostAsJsonAsync("/sensor/v1/heartbeat", new { agentState = observed, trustState = "trusted", agentVersion = "fleetsim-1.0.0" }, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                _heartbeat.RecordSince(started);
                Interlocked.Increment(ref _counts.Heartbeats);
            }
            else
            {
                Interlocked.Increment(ref _counts.HeartbeatsRefused);
            }
        }
        catch (Exception e) when (e is HttpRequestException or ObjectDisposedException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Interlocked.Increment(ref _counts.HeartbeatsFailed);
        }
    }

    private async Task PublishStatusAsync(VirtualSensor sensor)
    {
        NatsConnection? connection;
        byte[] body;
        lock (sensor)
        {
            connection = sensor.Connection;
            body = JsonSerializer.SerializeToUtf8Bytes(new
            {
                desired = sensor.Observed,
                observed = sensor.Observed,
                lastCommandId = sensor.LastCommandId,
                lastCommandOutcome = sensor.LastOutcome,
                recentOutcomes = sensor.RecentOutcomes.Snapshot(),
                trustState = "trusted",
                agentVersion = "fleetsim-1.0.0",
            });
        }

        if (connection is null)
        {
            Interlocked.Increment(ref _counts.StatusSkippedOffline);
            return;
        }

        try
        {
            await connection.PublishAsync($"rxc.{sensor.TenantId}.{sensor.SensorId}.status", body);
            Interlocked.Increment(ref _counts.StatusPublished);
        }
        catch (Exception e) when (e is NatsException or ObjectDisposedException or InvalidOperationException)
        {
            Interlocked.Increment(ref _counts.StatusFailed);
        }
    }

    private async Task PullLoopAsync(VirtualSensor sensor, NatsConnection connection, CancellationToken session)
    {
        var credentials = sensor.Credentials!;
        INatsJSConsumer? consumer = null;
        while (!session.IsCancellationRequested)
        {
            try
            {
                consumer ??= await new NatsJSContext(connection).GetConsumerAsync(credentials.Stream, credentials.Consumer, session);
                var message = await consumer.NextAsync<byte[]>(opts: new NatsJSNextOpts { Expires = TimeSpan.FromSeconds(10) }, cancellationToken: session);
                if (message is not { Data: { } data } m)
                {
                    continue;
                }

                var command = JsonSerializer.Deserialize<JsonElement>(data);
                var commandId = command.GetProperty("commandId").GetString()!;
                var type = command.GetProperty("type").GetString()!;
                var outcome = Fails(commandId) ? "failed" : "done";
                CommandReceived?.Invoke(sensor, commandId, Stopwatch.GetTimestamp());
                OnReceived(sensor, commandId, outcome);
                lock (sensor)
                {
                    if (outcome == "done")
                    {
                        sensor.Observed = type == "stop" ? "stopped" : "running";
                    }

                    sensor.LastCommandId = commandId;
                    sensor.LastOutcome = outcome;
                    sensor.RecentOutcomes.Add(commandId, outcome);
                }

                await m.AckAsync(cancellationToken: session);
                await PublishStatusAsync(sensor);
            }
            catch (OperationCanceledException) when (session.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NatsException or NatsJSException or IOException or TimeoutException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // A NATS restart: the connection reconnects by itself; ask for the consumer again after a pause.
                Interlocked.Increment(ref _counts.PullErrors);
                consumer = null;
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200 + Random.Shared.Next(800)), session);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private bool Fails(string commandId)
    {
        if (_options.FailFraction <= 0)
        {
            return false;
        }

        // Stable across processes (string.GetHashCode is not): FNV-1a of the seed and the id.
        var hash = 2166136261u ^ (uint)_options.Seed;
        foreach (var c in commandId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash % 10_000 < _options.FailFraction * 10_000;
    }

    private async Task SubmitCommandAsync(VirtualSensor target, string type, string idempotencyKey, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken);
        try
        {
            var started = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _counts.CommandsSubmitted);

            // As an operator's tool should: an answer lost in an outage is asked for again with the same
            // idempotency key, so that a command the control plane took is never taken for one it refused.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    using var response = await _api.PostAsJsonAsync($"/api/v1/tenants/{target.TenantId}/sensors/{target.SensorId}/commands", new { type, ttlSeconds = 600, idempotencyKey }, cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        var commandId = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("commandId").GetString()!;
                        Accepted(new CommandTrack(commandId, target, type, started));
                        return;
                    }

                    if ((int)response.StatusCode < 500 || attempt >= 10)
                    {
                        Interlocked.Increment(ref _counts.CommandsNotAccepted);
                        _problems.Add($"command for {target.Key} answered {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                        return;
                    }
                }
                catch (Exception e) when (attempt < 10 && (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested)))
                {
                }

                Interlocked.Increment(ref _counts.CommandRetries);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
            }
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private void Accepted(CommandTrack track)
    {
        if (!_commands.TryAdd(track.CommandId, track))
        {
            return;
        }

        Interlocked.Increment(ref _counts.CommandsAccepted);
        if (_earlyReceipts.TryRemove(track.CommandId, out var early))
        {
            Check(track, early.Sensor, early.At, null);
        }
    }

    private void OnReceived(VirtualSensor sensor, string commandId, string outcome)
    {
        var at = Stopwatch.GetTimestamp();
        if (_commands.TryGetValue(commandId, out var track))
        {
            Check(track, sensor, at, outcome);
            return;
        }

        // The agent can see a command before the operator's call returns its id.
        _earlyReceipts[commandId] = (sensor, at);
        if (_commands.TryGetValue(commandId, out track) && _earlyReceipts.TryRemove(commandId, out var early))
        {
            Check(track, early.Sensor, early.At, outcome);
        }
    }

    private void Check(CommandTrack track, VirtualSensor receiver, long receivedAt, string? outcome)
    {
        if (!ReferenceEquals(track.Target, receiver))
        {
            Interlocked.Increment(ref _counts.CommandsMisrouted);
            _problems.Add($"command {track.CommandId} for {track.Target.Key} reached {receiver.Key}");
            return;
        }

        lock (track)
        {
            if (track.Received)
            {
                Interlocked.Increment(ref _counts.CommandsRedelivered);
                return;
            }

            track.Received = true;
            track.ReportedOutcome = outcome ?? (Fails(track.CommandId) ? "failed" : "done");
        }

        Interlocked.Increment(ref _counts.CommandsReceived);
        _command.RecordSince(track.SubmittedAt);
    }

    // ---- end checks ----

    private async Task<bool> SettleAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + Ticks(_options.SettleTimeout);
        while (true)
        {
            var pending = _commands.Values.Where(c => c.FinalStatus is null).ToList();
            await ForEachAsync(pending, async (track, ct) =>
            {
                using var response = await _api.GetAsync($"/api/v1/tenants/{track.Target.TenantId}/sensors/{track.Target.SensorId}/commands/{track.CommandId}", ct);
                if (response.IsSuccessStatusCode
                    && (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("status").GetString() is { } status)
                {
                    track.LastSeenStatus = status;
                    if (FinalStatuses.Contains(status))
                    {
                        track.FinalStatus = status;
                    }
                }
            }, cancellationToken);

            var notOnline = _sensors.Where(s => !s.ConfirmedOnline).ToList();
            await ForEachAsync(notOnline, async (sensor, ct) =>
            {
                using var response = await _api.GetAsync($"/api/v1/tenants/{sensor.TenantId}/sensors/{sensor.SensorId}", ct);
                if (response.IsSuccessStatusCode && sensor.Connection is not null
                    && (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("liveness").GetString() == "online")
                {
                    sensor.ConfirmedOnline = true;
                }
            }, cancellationToken);

            var lost = _commands.Values.Count(c => c.FinalStatus is null);
            var offline = _sensors.Count(s => !s.ConfirmedOnline);
            if ((lost == 0 && offline == 0 && _earlyReceipts.IsEmpty) || Stopwatch.GetTimestamp() > deadline)
            {
                Tally(lost, offline);
                return lost == 0 && offline == 0 && _earlyReceipts.IsEmpty && _counts.CommandsMisrouted == 0 && _counts.OutcomeMismatches == 0;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    private void Tally(int lost, int offline)
    {
        _counts.CommandsLost = lost;
        _counts.SensorsNotOnline = offline;
        _counts.SensorsOnline = _sensors.Count - offline;
        foreach (var track in _commands.Values)
        {
            switch (track.FinalStatus)
            {
                case "done": _counts.CommandsDone++; break;
                case "failed": _counts.CommandsFailed++; break;
                case "expired": _counts.CommandsExpired++; break;
                case "superseded": _counts.CommandsSuperseded++; break;
            }

            // The ledger must say what the agent reported; done or failed without delivery is a phantom.
            var mismatch = (track.FinalStatus is "done" or "failed") && track.FinalStatus != track.ReportedOutcome;
            if (mismatch)
            {
                _counts.OutcomeMismatches++;
                _problems.Add($"command {track.CommandId}: ledger {track.FinalStatus}, agent reported {track.ReportedOutcome ?? "nothing"}");
            }
        }

        if (lost > 0)
        {
            _problems.Add($"{lost} accepted command(s) never reached a final state");
            foreach (var track in _commands.Values.Where(c => c.FinalStatus is null).Take(20))
            {
                _problems.Add($"unfinished: {track.Type} {track.CommandId} for {track.Target.Key}: ledger {track.LastSeenStatus ?? "unknown"}, agent {(track.Received ? $"received it and reported {track.ReportedOutcome}" : "never received it")}");
            }
        }

        if (offline > 0)
        {
            _problems.Add($"{offline} enrolled sensor(s) not online at the end");
        }

        foreach (var early in _earlyReceipts)
        {
            _counts.CommandsMisrouted++;
            _problems.Add($"{early.Value.Sensor.Key} received command {early.Key}, which this run never submitted");
        }
    }

    // ---- helpers ----

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
