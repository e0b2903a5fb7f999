using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Npgsql;
using RavenXcope.FleetSim;

namespace RavenXcope.Benchmarks;

/// <summary>One line of the table: the system's number, the floor's, their ratio and the goal.</summary>
public sealed record BenchRow(string Id, string Name, string Unit, double System, double? Floor, double? Ratio, string Goal, bool? Met, string Note);

/// <summary>Where the stack is, from scripts/up.sh's up.env and the bench script.</summary>
public sealed record BenchTarget(Uri Api, Uri Enroll, Uri Sensor, string CaFile, string AdminKey, string PgDsn, Uri SiloMetrics, string BackendSecret, int SiloPid, int NatsPid, int PgPid, int GatewayPid);

/// <summary>The benchmarks over one fleet, each against a floor measured in the same run.</summary>
public sealed class Bench(BenchTarget target, int sensors, TextWriter log, IReadOnlySet<string>? only = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly string[] CpuNames = ["silo", "gateway", "nats", "postgres", "load generator"];
    private const int SiloCpu = 0, GatewayCpu = 1, LoadCpu = 4;
    private readonly List<BenchRow> _rows = [];
    private FleetSimulator _fleet = null!;
    private FleetSimulator? _second;
    private SimOptions _options = null!;
    private HttpClient _api = null!;
    private NpgsqlDataSource? _database;
    private NatsConnection _control = null!;
    private string _tenant = null!;

    /// <summary>Runs everything and returns the rows.</summary>
    public async Task<IReadOnlyList<BenchRow>> RunAsync(CancellationToken cancellationToken)
    {
        var memoryBefore = Memory();
        _options = new SimOptions
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
            _second = new FleetSimulator(_options with { RunId = $"{_fleet.TenantIds[0]}-b" }, log);
            await _second.SetUpAsync(cancellationToken);
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
                await _second.ShutdownAsync();
            }

            _api.Dispose();
            if (_database is not null)
            {
                await _database.DisposeAsync();
            }
        }

        return _rows;
    }

    // 5. Enrollment: claim → certificate (persisted) through the gateway vs CSR parse + verify + sign in process.
    // The system's rate is the second fleet's: the first one's also paid for JIT compilation and warming the
    // pools, and is given in the note.
    private async Task EnrollmentAsync(CancellationToken cancellationToken)
    {
        var system = _second!.Counts.EnrollPerSecond;
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
            note: $"{sensors} enrollments into a warm system, 32 in flight, p99 {_second.EnrollLatency.P99} ms (the first, cold fleet: {_fleet.Counts.EnrollPerSecond}/s); "
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
            goalText: "≤ 4 KB", note: $"RSS slope over a second fleet of {sensors} sensors (not 100 000); the first fleet's delta was {Math.Round(firstTotal, 1)} KB/sensor in all; floor from facts/PERF-FLOORS.md, not re-measured", absolute: silo <= 4);
        Add("6b", "nats-server memory per sensor (consumer + waiting pull)", "KB", nats, 45 + 16, higherIsBetter: false, goal: null,
            goalText: "report", note: "floor from facts/PERF-FLOORS.md (45 KB consumer + 16 KB waiting pull)");
        Add("6c", "Whole system per sensor (silo + NATS + PostgreSQL)", "KB", Math.Round(total, 1), null, higherIsBetter: false, goal: null,
            goalText: "≤ 64 KB", note: $"PostgreSQL {pg} KB (proportional set size of all its processes)", absolute: total <= 64);
    }

    // 1 and 7. Status messages from every sensor's own connection: the bridge's routed count vs a raw subscriber on the same stream; database writes per message.
    private async Task StatusRoutingAsync(CancellationToken cancellationToken)
    {
        const int perSensor = 100;
        var total = sensors * perSensor;
        var raw = 0L;
        await using var subscriber = await RawStatusSubscriber.StartAsync(_control, _tenant, _ => Interlocked.Increment(ref raw), cancellationToken);

        var writesBefore = await QuietWritesAsync(cancellationToken);
        var routedBefore = await RoutedAsync(cancellationToken);
        var tablesBefore = await WritesByTableAsync(cancellationToken);
        var body = JsonSerializer.SerializeToUtf8Bytes(new { desired = "stopped", observed = "stopped", trustState = "trusted", agentVersion = "bench" });
        await log.WriteLineAsync($"bench: 1 status routing: publishing {total} status messages");
        var cpuBefore = Cpu();
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(_fleet.Sensors, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (sensor, ct) =>
        {
            var subject = $"rxc.{sensor.TenantId}.{sensor.SensorId}.status";
            for (var i = 0; i < perSensor; i++)
            {
                await sensor.Connection!.PublishAsync(subject, body, cancellationToken: ct);
            }
        });

        double? rawSeconds = null, systemSeconds = null;
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 120);
        while (Stopwatch.GetTimestamp() < deadline && (rawSeconds is null || systemSeconds is null))
        {
            if (rawSeconds is null && Interlocked.Read(ref raw) >= total)
            {
                rawSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            }

            if (systemSeconds is null && await RoutedAsync(cancellationToken) - routedBefore >= total)
            {
                systemSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            }

            await Task.Delay(20, cancellationToken);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var perMessage = CpuMicrosecondsPer(cpuBefore, total);
        await Task.Delay(StatisticsFlush, cancellationToken);
        var (writes, tables) = await WindowWritesAsync(writesBefore, tablesBefore, cancellationToken);

        var system = systemSeconds is { } s ? total / s : (await RoutedAsync(cancellationToken) - routedBefore) / 120.0;
        var floor = rawSeconds is { } r ? total / r : Interlocked.Read(ref raw) / 120.0;
        Add("1", "Status routing, NATS → sensor grains", "msg/s", Math.Round(system), Math.Round(floor), higherIsBetter: true, goal: 0.5,
            goalText: "≥ 0.5", note: $"{total} messages from {sensors} sensor connections; system = the bridge's routed count (≤ 64 grain calls in flight), floor = raw NATS.Net subscriber on the same stream at the same time; CPU µs per message: {perMessage} (the load generator publishes and runs the raw subscriber)");
        Add("7a", "Database writes per status message", "rows/msg", Math.Round(Math.Max(0, writes) / total, 4), 0, higherIsBetter: false, goal: null,
            goalText: "0", note: $"rows inserted+updated+deleted in our tables (pg_stat_user_tables), from a quiet database until its counters are flushed; by table: {tables}", absolute: writes / total < 0.001);
    }

    // 2. Status latency: publish → grain updated (seen through the API) vs publish → raw subscriber, the same probes.
    private async Task StatusLatencyAsync(CancellationToken cancellationToken)
    {
        var rawSeen = new ConcurrentDictionary<string, long>();
        await using var subscriber = await RawStatusSubscriber.StartAsync(_control, _tenant, data =>
        {
            using var document = JsonDocument.Parse(data);
            if (document.RootElement.TryGetProperty("agentVersion", out var probe) && probe.GetString() is { } id && id.StartsWith("probe-", StringComparison.Ordinal))
            {
                rawSeen.TryAdd(id, Stopwatch.GetTimestamp());
            }
        }, cancellationToken);

        var system = new List<double>();
        var floor = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var sensor = _fleet.Sensors[(i * 7) % _fleet.Sensors.Count];
            var before = await LastStatusAtAsync(sensor, cancellationToken);
            var id = $"probe-{i}";
            var started = Stopwatch.GetTimestamp();
            await sensor.Connection!.PublishAsync($"rxc.{sensor.TenantId}.{sensor.SensorId}.status", JsonSerializer.SerializeToUtf8Bytes(new { desired = "stopped", observed = "stopped", trustState = "trusted", agentVersion = id }), cancellationToken: cancellationToken);
            var deadline = started + (Stopwatch.Frequency * 5);
            while (await LastStatusAtAsync(sensor, cancellationToken) == before && Stopwatch.GetTimestamp() < deadline)
            {
            }

            system.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            var rawDeadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
            while (!rawSeen.ContainsKey(id) && Stopwatch.GetTimestamp() < rawDeadline)
            {
                await Task.Yield();
            }

            if (rawSeen.TryGetValue(id, out var at))
            {
                floor.Add(Stopwatch.GetElapsedTime(started, at).TotalMilliseconds);
            }
        }

        var p99System = P99(system);
        var p99Floor = P99(floor);
        Add("2", "Status latency p99, publish → grain updated", "ms", p99System, p99Floor, higherIsBetter: false, goal: 2,
            goalText: "≤ 2×", note: $"200 probes; grain updated = its lastStatusAt moved, seen by polling GET sensor (adds up to one API round trip); p50 {P50(system)} vs {P50(floor)} ms");
    }

    // 3. Commands: operator API → agent received vs raw JetStream publish → pull consumer; and one command to every sensor.
    private async Task CommandsAsync(CancellationToken cancellationToken)
    {
        var received = new ConcurrentDictionary<string, long>();
        _fleet.CommandReceived += (_, id, at) => received.TryAdd(id, at);
        var system = new List<double>();
        var answered = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var sensor = _fleet.Sensors[1 + ((i * 13) % (_fleet.Sensors.Count - 1))];
            var started = Stopwatch.GetTimestamp();
            using var response = await _api.PostAsJsonAsync($"/api/v1/tenants/{sensor.TenantId}/sensors/{sensor.SensorId}/commands", new { type = i % 2 == 0 ? "start" : "restart" }, cancellationToken);
            answered.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("commandId").GetString()!;
            var deadline = started + (Stopwatch.Frequency * 10);
            while (!received.ContainsKey(id) && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(1, cancellationToken);
            }

            system.Add(received.TryGetValue(id, out var at) ? Stopwatch.GetElapsedTime(started, at).TotalMilliseconds : 10_000);
        }

        // Floor: the same stream and the same kind of durable consumer, sensor 0's, pulled by a raw NATS.Net consumer.
        var floorSensor = _fleet.Sensors[0];
        floorSensor.Session?.Cancel();
        var credentials = floorSensor.Credentials!;
        await using var own = new NatsConnection(NatsOpts.Default with
        {
            Url = credentials.NatsUrl,
            AuthOpts = NatsAuthOpts.Default with { Jwt = credentials.Jwt, Seed = floorSensor.UserSeed },
            InboxPrefix = credentials.InboxPrefix,
        });
        var consumer = await new NatsJSContext(own).GetConsumerAsync(credentials.Stream, credentials.Consumer, cancellationToken);
        var js = new NatsJSContext(_control);
        var floor = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await js.PublishAsync($"rxc.{floorSensor.TenantId}.{floorSensor.SensorId}.cmd", JsonSerializer.SerializeToUtf8Bytes(new { commandId = $"floor-{i}", type = "start" }), cancellationToken: cancellationToken);
            var message = await consumer.NextAsync<byte[]>(cancellationToken: cancellationToken);
            floor.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (message is { } m)
            {
                await m.AckAsync(cancellationToken: cancellationToken);
            }
        }

        Add("3", "Command p99, operator API → agent received", "ms", P99(system), P99(floor), higherIsBetter: false, goal: 3,
            goalText: "≤ 3×", note: $"200 sequential commands; p50 {P50(system)} vs {P50(floor)} ms; the API answered in p50 {P50(answered)} / p99 {P99(answered)} ms; floor = JetStream publish (ack awaited) → durable pull consumer");

        // Fan-out: one command to every sensor of both fleets at once (sensor 0 served the floor).
        received.Clear();
        _second?.CommandReceived += (_, id, at) => received.TryAdd(id, at);
        var targets = _fleet.Sensors.Skip(1).Concat(_second?.Sensors ?? []).ToList();
        var fanCpu = Cpu();
        var ids = new ConcurrentBag<string>();
        var refused = 0;
        var fanStarted = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (sensor, ct) =>
        {
            using var response = await _api.PostAsJsonAsync($"/api/v1/tenants/{sensor.TenantId}/sensors/{sensor.SensorId}/commands", new { type = "stop" }, ct);
            if (response.IsSuccessStatusCode)
            {
                ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("commandId").GetString()!);
            }
            else
            {
                Interlocked.Increment(ref refused);
            }
        });
        // Delivery is awaited for 30 s after the last command was accepted (a slow fan-out is measured, not cut off).
        var fanDeadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 30);
        while (ids.Any(id => !received.ContainsKey(id)) && Stopwatch.GetTimestamp() < fanDeadline)
        {
            await Task.Delay(20, cancellationToken);
        }

        var fanSeconds = Math.Round(Stopwatch.GetElapsedTime(fanStarted).TotalSeconds, 2);
        var fanPerCommand = CpuMicrosecondsPer(fanCpu, targets.Count);
        var delivered = ids.Count(received.ContainsKey);
        Add("3b", $"One command to each of {targets.Count} sensors, all delivered", "s", fanSeconds, null, higherIsBetter: false, goal: null,
            goalText: "10 000 within 10 s", note: $"{delivered}/{targets.Count} delivered, {refused} refused; {Math.Round(targets.Count / fanSeconds)} commands/s end to end, 64 API calls in flight (goal: 1 000/s){(targets.Count < 9_999 ? "; fewer sensors than the goal's 10 000 (scripts/bench.sh 5000 runs 9 999)" : "")}; CPU µs per command: {fanPerCommand}", absolute: delivered == targets.Count && targets.Count / fanSeconds >= 1000);
    }

    // 4 and 7. Heartbeats over mTLS: the gateway vs a bare Kestrel mTLS endpoint on the same certificates.
    private async Task HeartbeatsAsync(CancellationToken cancellationToken)
    {
        var pki = Path.GetDirectoryName(target.CaFile)!;
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(target.CaFile, cancellationToken));
        using var serverCert = X509Certificate2.CreateFromPemFile(Path.Combine(pki, "gateway.cert.pem"), Path.Combine(pki, "gateway.key.pem"));
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port, l => l.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = serverCert,
            ClientCertificateMode = ClientCertificateMode.RequireCertificate,
            ClientCertificateValidation = (c, chain, errors) => RavenXcope.Common.PrivateCa.Accepts(ca, c, chain, errors, RavenXcope.Common.PrivateCa.ClientAuthentication),
            OnAuthenticate = (_, ssl) => ssl.CertificateChainPolicy = RavenXcope.Common.PrivateCa.Policy(ca, RavenXcope.Common.PrivateCa.ClientAuthentication),
        })));
        await using var bare = builder.Build();
        bare.MapPost("/sensor/v1/heartbeat", () => Microsoft.AspNetCore.Http.Results.Ok(new { trustState = "trusted" }));
        await bare.StartAsync(cancellationToken);
        var bareUrl = new Uri($"https://127.0.0.1:{port}");

        var clients = _fleet.Sensors.Skip(1).Take(32).ToList();
        var writesBefore = await QuietWritesAsync(cancellationToken);
        var tablesBefore = await WritesByTableAsync(cancellationToken);
        var windowStart = DateTimeOffset.UtcNow;
        await log.WriteLineAsync("bench: 4a heartbeats on kept-alive connections for 5 s");
        var cpuBefore = Cpu();
        var systemKept = await LoadAsync(clients, target.Sensor, ca, reuse: true, TimeSpan.FromSeconds(5), cancellationToken);
        var perRequest = CpuMicrosecondsPer(cpuBefore, systemKept.Count);
        await Task.Delay(StatisticsFlush, cancellationToken);
        var (writes, tables) = await WindowWritesAsync(writesBefore, tablesBefore, cancellationToken);
        tables += "; grain states written: " + await StatesWrittenSinceAsync(windowStart, cancellationToken);
        var floorKept = await LoadAsync(clients, bareUrl, ca, reuse: true, TimeSpan.FromSeconds(5), cancellationToken);
        await log.WriteLineAsync("bench: 4b/4c heartbeats on a new connection each, full handshakes and resumed sessions");
        cpuBefore = Cpu();
        var systemNew = await LoadAsync(clients, target.Sensor, ca, reuse: false, TimeSpan.FromSeconds(5), cancellationToken);
        var fullCpu = CpuSince(cpuBefore);
        var floorNew = await LoadAsync(clients, bareUrl, ca, reuse: false, TimeSpan.FromSeconds(5), cancellationToken);
        // Each client's first connection is a full handshake that leaves a session to resume: made before the window.
        await LoadAsync(clients, target.Sensor, ca, reuse: false, TimeSpan.Zero, cancellationToken, tlsResume: true);
        cpuBefore = Cpu();
        var systemResumed = await LoadAsync(clients, target.Sensor, ca, reuse: false, TimeSpan.FromSeconds(5), cancellationToken, tlsResume: true);
        var resumedCpu = CpuSince(cpuBefore);
        await bare.StopAsync(cancellationToken);
        var fullGateway = PerUnit(fullCpu, GatewayCpu, systemNew.Count);
        var resumedGateway = PerUnit(resumedCpu, GatewayCpu, systemResumed.Count);

        Add("4a", "Heartbeats, kept-alive mTLS", "req/s", Math.Round(systemKept.Rate), Math.Round(floorKept.Rate), higherIsBetter: true, goal: 0.5,
            goalText: "≥ 0.5", note: $"32 sensors, one connection each, 5 s; {systemKept.Errors} errors; every request asks the sensor grain (revocation check); CPU µs per request: {perRequest}");
        Add("4b", "Heartbeats, a new mTLS connection per request", "req/s", Math.Round(systemNew.Rate), Math.Round(floorNew.Rate), higherIsBetter: true, goal: 0.8,
            goalText: "≥ 0.8", note: $"32 sensors, full handshakes (TLS 1.3, ECDSA P-256, no session resumption) on both; {systemNew.Errors} errors; CPU µs per connection: gateway {fullGateway}, load generator {PerUnit(fullCpu, LoadCpu, systemNew.Count)}");
        Add("4c", "Reconnect cost with TLS session resumption vs a full handshake (gateway CPU per connection)", "µs", resumedGateway, fullGateway, higherIsBetter: false, goal: 1 / 3.0,
            goalText: "≤ 0.333 (3× cheaper)", note: $"new connection per heartbeat, 5 s each: resumed {Math.Round(systemResumed.Rate)} req/s vs full {Math.Round(systemNew.Rate)} req/s, {systemResumed.Errors} errors; load generator CPU µs per connection {PerUnit(resumedCpu, LoadCpu, systemResumed.Count)} vs {PerUnit(fullCpu, LoadCpu, systemNew.Count)}; silo {PerUnit(resumedCpu, SiloCpu, systemResumed.Count)} vs {PerUnit(fullCpu, SiloCpu, systemNew.Count)}");
        Add("7b", "Database writes per heartbeat", "rows/req", Math.Round(Math.Max(0, writes) / Math.Max(1, systemKept.Count), 4), 0, higherIsBetter: false, goal: null,
            goalText: "0", note: $"{systemKept.Count} heartbeats; rows in our tables (pg_stat_user_tables) from a quiet database until its counters are flushed; by table: {tables}", absolute: writes / Math.Max(1, systemKept.Count) < 0.001);
    }

    // A zero duration makes one request per client. Sessions are resumed only with tlsResume.
    private static async Task<(double Rate, long Count, long Errors)> LoadAsync(IReadOnlyList<VirtualSensor> clients, Uri url, X509Certificate2 ca, bool reuse, TimeSpan duration, CancellationToken cancellationToken, bool tlsResume = false)
    {
        long count = 0, errors = 0;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(clients.Select(sensor => Task.Run(async () =>
        {
            HttpClient New() => sensor.NewMtlsClient(url, ca, tlsResume);
            var client = New();
            var first = true;
            try
            {
                while (first || Stopwatch.GetTimestamp() < until)
                {
                    first = false;
                    if (!reuse)
                    {
                        client.Dispose();
                        client = New();
                    }

                    try
                    {
                        using var response = await client.PostAsJsonAsync("/sensor/v1/heartbeat", new { agentState = "stopped", trustState = "trusted", agentVersion = "bench" }, cancellationToken);
                        if (response.IsSuccessStatusCode)
                        {
                            Interlocked.Increment(ref count);
                        }
                        else
                        {
                            Interlocked.Increment(ref errors);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
            }
            finally
            {
                client.Dispose();
            }
        }, cancellationToken)));
        return (count / Stopwatch.GetElapsedTime(started).TotalSeconds, count, errors);
    }

    // 8. Revocation: revoke call → the sensor's mTLS request refused and its NATS connection dropped.
    private async Task RevocationAsync(CancellationToken cancellationToken)
    {
        var samples = new List<double>();
        var https = new List<double>();
        var nats = new List<double>();
        var answered = new List<double>();
        foreach (var sensor in _fleet.Sensors.TakeLast(20))
        {
            var connection = sensor.Connection!;
            var started = Stopwatch.GetTimestamp();
            // The sensor keeps asking while the revoke call runs: the refusal counts from when it takes effect,
            // not from when the call returns (which is after the NATS user is cut).
            var refused = Task.Run(async () =>
            {
                while (true)
                {
                    using var response = await sensor.Mtls!.PostAsJsonAsync("/sensor/v1/heartbeat", new { agentState = "stopped", trustState = "trusted", agentVersion = "bench" }, cancellationToken);
                    if (!response.IsSuccessStatusCode)
                    {
                        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    }

                    await Task.Delay(1, cancellationToken);
                }
            }, cancellationToken);
            using var revoke = await _api.PostAsync($"/api/v1/tenants/{sensor.TenantId}/sensors/{sensor.SensorId}/revoke", null, cancellationToken);
            answered.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            var dropped = Task.Run(async () =>
            {
                var deadline = started + (Stopwatch.Frequency * 10);
                while (connection.ConnectionState == NatsConnectionState.Open && Stopwatch.GetTimestamp() < deadline)
                {
                    await Task.Delay(1, cancellationToken);
                }

                return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }, cancellationToken);
            var (h, n) = (await refused, await dropped);
            https.Add(h);
            nats.Add(n);
            samples.Add(Math.Max(h, n));
        }

        Add("8", "Revocation p99: revoke → mTLS refused and NATS dropped", "ms", P99(samples), null, higherIsBetter: false, goal: null,
            goalText: "< 1000 ms", note: $"20 sensors of a tenant with {_fleet.Sensors.Count} connected; mTLS refused p99 {P99(https)} ms, NATS connection dropped p99 {P99(nats)} ms (p50 {P50(nats)}); the revoke call answered p50 {P50(answered)} ms, after the user's revocation is pushed to nats-server", absolute: P99(samples) < 1000);
    }

    // ---- helpers ----

    // One status from every sensor of both fleets: none changes liveness class (and writes it) for the next 90 s,
    // so that the write counters of the next benchmark see only its own writes.
    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { desired = "stopped", observed = "stopped", trustState = "trusted", agentVersion = "bench" });
        foreach (var sensor in _fleet.Sensors.Concat(_second?.Sensors ?? []).Where(s => s.Connection is not null))
        {
            await sensor.Connection!.PublishAsync($"rxc.{sensor.TenantId}.{sensor.SensorId}.status", body, cancellationToken: cancellationToken);
        }

        // A sensor's liveness is written when its grain's 30 s timer sees the class change: wait until every
        // row says online, so that the next benchmark does not count those writes as its own.
        var tenants = _fleet.TenantIds.Concat(_second?.TenantIds ?? []).ToArray();
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 90);
        while (await NotOnlineAsync(tenants, cancellationToken) is var left and > 0)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{left} sensors were still not online 90 s after a status from each");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        // And until the grains have written what those statuses changed (a command's outcome, Suricata's
        // state): at most a few rows in a second, as when idle.
        var last = await WritesAsync(cancellationToken);
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var now = await WritesAsync(cancellationToken);
            if (now - last <= 5)
            {
                break;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"the database still took {now - last} rows a second 90 s after the statuses were sent");
            }

            last = now;
        }
    }

    // One pool for the benchmark's own queries (counters, liveness, states written).
    private NpgsqlDataSource Database => _database ??= NpgsqlDataSource.Create(RavenXcope.Infrastructure.Postgres.PostgresConnectionString.ForSchema(target.PgDsn));

    // 7a and 7b are measured with 1 and 4.
    private bool Runs(string id) => only is null || only.Contains(id);

    private async Task<long> NotOnlineAsync(string[] tenants, CancellationToken cancellationToken)
    {
        await using var command = Database.CreateCommand("SELECT count(*) FROM sensor_directory WHERE tenant_id = ANY($1) AND lifecycle = 'enrolled' AND liveness <> 'online'");
        command.Parameters.AddWithValue(tenants);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

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

    private async Task<NatsConnection> ControlConnectionAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/backend-user") { Content = JsonContent.Create(new { tenantId = _tenant }) };
        request.Headers.Add("X-Backend-Shared-Secret", target.BackendSecret);
        using var response = await _api.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var creds = (await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken)).GetProperty("creds").GetString()!;
        var path = Path.Combine(Path.GetTempPath(), $"rxc-bench-{Environment.ProcessId}.creds");
        RavenXcope.Common.SecretFiles.WriteAtomically(path, creds, secret: true);
        // Subscriptions wait instead of dropping when their channel is full, as the silo's bridge does: a floor
        // that drops messages never counts them all.
        var connection = new NatsConnection(NatsOpts.Default with
        {
            Url = _fleet.Sensors[0].Credentials!.NatsUrl,
            AuthOpts = NatsAuthOpts.Default with { CredsFile = path },
            SubPendingChannelCapacity = 16 * 1024,
            SubPendingChannelFullMode = System.Threading.Channels.BoundedChannelFullMode.Wait,
        });
        await connection.ConnectAsync();
        File.Delete(path);
        return connection;
    }

    private async Task<string?> LastStatusAtAsync(VirtualSensor sensor, CancellationToken cancellationToken)
    {
        using var response = await _api.GetAsync($"/api/v1/tenants/{sensor.TenantId}/sensors/{sensor.SensorId}", cancellationToken);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("lastStatusAt").ToString();
    }

    private async Task<double> RoutedAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(target.SiloMetrics, cancellationToken);
        return text.Split('\n')
            .Where(l => l.StartsWith("rxc_status_messages_total{", StringComparison.Ordinal) && l.Contains("result=\"routed\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }

    private async Task<double> WritesAsync(CancellationToken cancellationToken)
    {
        await using var command = Database.CreateCommand("SELECT pg_stat_clear_snapshot(); SELECT tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = current_database()");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt64(0);
    }

    private async Task<Dictionary<string, long>> WritesByTableAsync(CancellationToken cancellationToken)
    {
        await using var command = Database.CreateCommand("SELECT pg_stat_clear_snapshot(); SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var rows = new Dictionary<string, long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows[reader.GetString(0)] = reader.GetInt64(1);
        }

        return rows;
    }

    private async Task<string> StatesWrittenSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = Database.CreateCommand("SELECT state_name || ' ' || count(*) FROM orleans_storage WHERE modified_at >= $1 GROUP BY state_name ORDER BY count(*) DESC");
        command.Parameters.AddWithValue(since.UtcDateTime);
        var states = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            states.Add(reader.GetString(0));
        }

        return states.Count == 0 ? "none" : string.Join(", ", states);
    }

    // Rows written since a quiet point, less the cluster's own liveness rows: each silo updates its membership row
    // every 30 s (Orleans' IAmAlive) whatever the load, so a window that happens to include one is not a write per message.
    private async Task<(double Writes, string Tables)> WindowWritesAsync(double writesBefore, Dictionary<string, long> tablesBefore, CancellationToken cancellationToken)
    {
        // Our tables only: the database's own counters also count PostgreSQL's catalog upkeep (autovacuum's analyze
        // rewrites pg_statistic rows), which no message or request causes.
        var database = await WritesAsync(cancellationToken) - writesBefore;
        var tablesAfter = await WritesByTableAsync(cancellationToken);
        var ours = tablesAfter.Sum(t => t.Value - tablesBefore.GetValueOrDefault(t.Key));
        var liveness = tablesAfter.Where(t => t.Key.StartsWith("orleans_membership", StringComparison.Ordinal)).Sum(t => t.Value - tablesBefore.GetValueOrDefault(t.Key));
        var tables = TableDelta(tablesBefore, tablesAfter) + (liveness > 0 ? " (membership liveness rows not counted)" : string.Empty);
        return (ours - liveness, database > ours ? $"{tables}; {database - ours} more in PostgreSQL's catalogs" : tables);
    }

    private static string TableDelta(Dictionary<string, long> before, Dictionary<string, long> after)
    {
        var changed = after.Select(t => (t.Key, Rows: t.Value - before.GetValueOrDefault(t.Key))).Where(t => t.Rows > 0).OrderByDescending(t => t.Rows).ToList();
        return changed.Count == 0 ? "none" : string.Join(", ", changed.Select(t => $"{t.Key} {t.Rows}"));
    }

    // PostgreSQL's backends report their row counts up to 10 s after a transaction (PGSTAT_IDLE_INTERVAL):
    // a window's writes are read that long after it, and it starts from counters that have not moved for
    // that long (so earlier work is not counted in it).
    private static readonly TimeSpan StatisticsFlush = TimeSpan.FromSeconds(11);

    private async Task<double> QuietWritesAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 120);
        var count = await WritesAsync(cancellationToken);
        var quietSince = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(quietSince) < StatisticsFlush)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException("the database's write counters did not stay still for 11 s within 2 minutes");
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var now = await WritesAsync(cancellationToken);
            if (now != count)
            {
                (count, quietSince) = (now, Stopwatch.GetTimestamp());
            }
        }

        return count;
    }

    private (long Silo, long Nats, long Pg) Memory()
    {
        // PostgreSQL's processes share their buffers: proportional set size, not RSS, or each would count them whole.
        var pg = ProcessProbe.Pss(target.PgPid) + ProcessProbe.Children(target.PgPid).Sum(ProcessProbe.Pss);
        return (ProcessProbe.StatusBytes(target.SiloPid, "VmRSS"), ProcessProbe.StatusBytes(target.NatsPid, "VmRSS"), pg);
    }

    // CPU microseconds per unit of work since `before`, by process: where a benchmark's time goes.
    private string CpuMicrosecondsPer(double[] before, long units)
    {
        var spent = CpuSince(before);
        return string.Join(", ", CpuNames.Select((name, i) => $"{name} {PerUnit(spent, i, units)}"));
    }

    private static double PerUnit(double[] spent, int process, long units) => Math.Round(spent[process] * 1e6 / Math.Max(1, units));

    // CPU seconds so far of silo, gateway, nats-server, PostgreSQL and this process (CpuNames). PostgreSQL's work
    // is done in backends under the postmaster: its tree is counted.
    private double[] Cpu() =>
        [ProcessProbe.CpuSeconds(target.SiloPid) ?? 0, ProcessProbe.CpuSeconds(target.GatewayPid) ?? 0, ProcessProbe.CpuSeconds(target.NatsPid) ?? 0,
         ProcessProbe.TreeCpuSeconds(target.PgPid) ?? 0, ProcessProbe.CpuSeconds(Environment.ProcessId) ?? 0];

    private double[] CpuSince(double[] before) => [.. Cpu().Select((c, i) => c - before[i])];

    private static double P99(List<double> values) => Quantile(values, 0.99);

    private static double P50(List<double> values) => Quantile(values, 0.50);

    private static double Quantile(List<double> values, double q)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToList();
        return Math.Round(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)], 3);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A plain NATS.Net subscription on a tenant's status subjects: the floor the bridge is measured against.</summary>
internal sealed class RawStatusSubscriber : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    /// <summary>Subscribes, waits until the server has the subscription, and calls <paramref name="onMessage"/> for each message.</summary>
    public static async Task<RawStatusSubscriber> StartAsync(NatsConnection connection, string tenantId, Action<byte[]> onMessage, CancellationToken cancellationToken)
    {
        var subscriber = new RawStatusSubscriber();
        var subscription = await connection.SubscribeCoreAsync<byte[]>($"rxc.{tenantId}.*.status", cancellationToken: cancellationToken);
        await connection.PingAsync(cancellationToken);
        subscriber._loop = Task.Run(async () =>
        {
            await using (subscription)
            {
                await foreach (var message in subscription.Msgs.ReadAllAsync(subscriber._stop.Token))
                {
                    onMessage(message.Data!);
                }
            }
        }, CancellationToken.None);
        return subscriber;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
