using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RavenXcope.Agent;

namespace RavenXcope.FleetSim;

/// <summary>Setting the fleet up: the operator's part through the API, then each host's enrollment and agent.</summary>
public sealed partial class FleetSimulator
{
    private async Task CreateTenantsAsync(CancellationToken cancellationToken)
    {
        var tenants = TenantIds.ToList();
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
            var sensorId = $"s{i:D6}";
            var tenantId = tenants[i % tenants.Count];
            var supervisor = new StandInSupervisor(_options.FailFraction, HashCode.Combine(_options.Seed, i));
            _sensors.Add(new VirtualSensor(i, tenantId, sensorId, Path.Combine(_stateRoot, $"{tenantId}-{sensorId}"), supervisor, _meter, _clock));
        }

        _meter.Counts.Tenants = tenants.Count;
        await _log.WriteLineAsync($"fleetsim: {tenants.Count} tenant(s) provisioned, run {_runId}, agents' state under {_stateRoot}");
    }

    private async Task EnrollAllAsync(CancellationToken cancellationToken)
    {
        // Registration and claim codes are the operator's part; the enrollment rate is measured on the agents' enrollment alone.
        await ForEachAsync(_sensors, async (sensor, ct) =>
        {
            using var created = await _api.PostAsJsonAsync($"/api/v1/tenants/{sensor.TenantId}/sensors", new { sensorId = sensor.SensorId, name = $"virtual {sensor.Index}" }, ct);
            Require(created, $"create sensor {sensor.Key}");
        }, cancellationToken);

        var codes = new ConcurrentDictionary<VirtualSensor, string>();
        await ForEachAsync(_sensors, async (sensor, ct) =>
        {
            using var issued = await _api.PostAsJsonAsync($"/api/v1/tenants/{sensor.TenantId}/sensors/{sensor.SensorId}/claim-codes", new { ttlSeconds = 3600 }, ct);
            Require(issued, $"claim code for {sensor.Key}");
            codes[sensor] = (await issued.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("claimCode").GetString()!;
        }, cancellationToken);

        // Each host makes its key and CSR on its own machine, and the agent keeps them until enrolled: made here
        // before the measured window (the agent finds and sends them), so that the rate is the control plane's and
        // not this process's key generation.
        Parallel.ForEach(_sensors, sensor => Enrollment.PendingKeyAndCsr(sensor.Directory, Hostname(sensor)).Key.Dispose());

        await _log.WriteLineAsync($"fleetsim: {_sensors.Count} sensors registered, each with a claim code and a CSR; enrolling");
        var enrollment = new Enrollment(_agentLoggers.CreateLogger<Enrollment>());

        // One client for every enrollment, its connections kept alive: each host would open its own and pay a
        // handshake (benchmark 4b measures that cost); here the rate is the enrollment's.
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(_options.CaFile, cancellationToken));
        using var client = new ControlPlaneClient(_options.EnrollUrl, ca, clientCertificate: null);
        var cpuBefore = CpuByProcess();
        var enrollStarted = Stopwatch.GetTimestamp();
        await ForEachAsync(_sensors, async (sensor, ct) =>
        {
            var started = Stopwatch.GetTimestamp();
            var host = new HostInfo(Hostname(sensor), "fleetsim", "x86_64", HostInfo.Version, "127.0.0.1", []);
            var outcome = await enrollment.RunAsync(codes[sensor], _options.EnrollUrl, _options.CaFile, sensor.Directory, ct, host, client);
            if (outcome != EnrollOutcome.Enrolled)
            {
                Interlocked.Increment(ref _meter.Counts.EnrollRefused);
                _problems.Add($"enrollment of {sensor.Key} ended {outcome}");
                return;
            }

            _meter.Enroll.RecordSince(started);
            Interlocked.Increment(ref _meter.Counts.SensorsEnrolled);
        }, cancellationToken);
        _meter.Counts.EnrollSeconds = Math.Round(Stopwatch.GetElapsedTime(enrollStarted).TotalSeconds, 3);
        foreach (var (name, after) in CpuByProcess())
        {
            EnrollCpuMsPerSensor[name] = Math.Round(1000 * (after - cpuBefore[name]) / Math.Max(1, _meter.Counts.SensorsEnrolled), 2);
        }

        await _log.WriteLineAsync($"fleetsim: {_meter.Counts.SensorsEnrolled} sensors enrolled in {_meter.Counts.EnrollSeconds} s");
        if (_meter.Counts.SensorsEnrolled != _sensors.Count)
        {
            throw new SimulationFailedException($"only {_meter.Counts.SensorsEnrolled} of {_sensors.Count} sensors enrolled");
        }
    }

    // As many agents start at once as setup calls are in flight; each has heartbeated, got NATS credentials and
    // connected before the next takes its place.
    private async Task StartAllAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await ForEachAsync(_sensors, async (sensor, ct) =>
        {
            sensor.Start(_agentOptions, _agentLoggers);
            try
            {
                await sensor.Connected.WaitAsync(TimeSpan.FromSeconds(60), ct);
            }
            catch (TimeoutException)
            {
                throw new SimulationFailedException($"the agent of {sensor.Key} did not connect to NATS within 60 s ({sensor.Ended ?? "still trying"})");
            }
        }, cancellationToken);
        await _log.WriteLineAsync($"fleetsim: {_sensors.Count} agents started and connected in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s ({_meter.Counts.CredentialsIssued} NATS users issued)");
    }

    /// <summary>Starts the agent of <paramref name="sensor"/> again (after <see cref="VirtualSensor.StopAsync"/>) and waits until it is connected.</summary>
    public async Task StartAgentAsync(VirtualSensor sensor, CancellationToken cancellationToken)
    {
        sensor.Start(_agentOptions, _agentLoggers);
        await sensor.Connected.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
    }

    private static string Hostname(VirtualSensor sensor) => $"virtual-{sensor.Index}";

    private Dictionary<string, double> CpuByProcess() => _options.Watch
        .Select(w => (w.Key, ProcessProbe.TreeCpuSeconds(w.Value) ?? 0))
        .Append(("fleetsim", ProcessProbe.CpuSeconds(Environment.ProcessId) ?? 0))
        .ToDictionary(p => p.Item1, p => p.Item2);
}
