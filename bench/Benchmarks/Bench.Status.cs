using System.Collections.Concurrent;
using System.Diagnostics;
using RavenXcope.FleetSim;
using RavenXcope.Protocol.Nats;

namespace RavenXcope.Benchmarks;

/// <summary>1, 2 and 7a: status messages from the agents, routed by the bridge, against a raw NATS subscriber.</summary>
public sealed partial class Bench
{
    // 1 and 7. Status messages from every sensor's own connection: the bridge's routed count vs a raw subscriber on the same stream; database writes per message.
    private async Task StatusRoutingAsync(CancellationToken cancellationToken)
    {
        const int perSensor = 100;
        var total = sensors * perSensor;
        var raw = 0L;
        await using var subscriber = await RawStatusSubscriber.StartAsync(_control, _tenant, (_, _) => Interlocked.Increment(ref raw), cancellationToken);

        var writesBefore = await QuietWritesAsync(cancellationToken);
        var routedBefore = await RoutedAsync(cancellationToken);
        var tablesBefore = await WritesByTableAsync(cancellationToken);
        await log.WriteLineAsync($"bench: 1 status routing: {total} status messages from the agents");
        var notSent = 0L;
        var cpuBefore = Cpu();
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(_fleet.Sensors, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (sensor, ct) =>
        {
            for (var i = 0; i < perSensor; i++)
            {
                if (!await SendStatusAsync(sensor, ct))
                {
                    Interlocked.Increment(ref notSent);
                }
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
            goalText: "≥ 0.5", note: $"{total} messages built and sent by the agents' status reporters ({notSent} not sent: agent not connected), each on its own connection; system = the bridge's routed count (≤ 64 grain calls in flight), floor = raw NATS.Net subscriber on the same stream at the same time; CPU µs per message: {perMessage} (the load generator publishes and runs the raw subscriber)");
        Add("7a", "Database writes per status message", "rows/msg", Math.Round(Math.Max(0, writes) / total, 4), 0, higherIsBetter: false, goal: null,
            goalText: "0", note: $"rows inserted+updated+deleted in our tables (pg_stat_user_tables), from a quiet database until its counters are flushed; by table: {tables}", absolute: writes / total < 0.001);
    }

    // 2. Status latency: publish → grain updated (seen through the API) vs publish → raw subscriber, the same probes.
    private async Task StatusLatencyAsync(CancellationToken cancellationToken)
    {
        // The last message seen on each sensor's subject: a probe is the first one after it was sent.
        var rawSeen = new ConcurrentDictionary<string, long>();
        await using var subscriber = await RawStatusSubscriber.StartAsync(_control, _tenant, (subject, _) => rawSeen[subject] = Stopwatch.GetTimestamp(), cancellationToken);

        var system = new List<double>();
        var floor = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var sensor = _fleet.Sensors[(i * 7) % _fleet.Sensors.Count];
            var before = await LastStatusAtAsync(sensor, cancellationToken);
            var subject = NatsNames.StatusSubject(sensor.TenantId, sensor.SensorId);
            var started = Stopwatch.GetTimestamp();
            await SendStatusAsync(sensor, cancellationToken);
            var deadline = started + (Stopwatch.Frequency * 5);
            while (await LastStatusAtAsync(sensor, cancellationToken) == before && Stopwatch.GetTimestamp() < deadline)
            {
            }

            system.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            var rawDeadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
            while ((!rawSeen.TryGetValue(subject, out var seen) || seen < started) && Stopwatch.GetTimestamp() < rawDeadline)
            {
                await Task.Yield();
            }

            if (rawSeen.TryGetValue(subject, out var at) && at >= started)
            {
                floor.Add(Stopwatch.GetElapsedTime(started, at).TotalMilliseconds);
            }
        }

        var p99System = P99(system);
        var p99Floor = P99(floor);
        Add("2", "Status latency p99, publish → grain updated", "ms", p99System, p99Floor, higherIsBetter: false, goal: 2,
            goalText: "≤ 2×", note: $"200 probes, each a status sent by an agent's status reporter; grain updated = its lastStatusAt moved, seen by polling GET sensor (adds up to one API round trip); p50 {P50(system)} vs {P50(floor)} ms");
    }

    // A status now from the sensor's agent, as its status timer sends them; false when the agent is not connected.
    internal static Task<bool> SendStatusAsync(VirtualSensor sensor, CancellationToken cancellationToken) =>
        sensor.Runner?.Control is { } control ? control.SendStatusAsync(cancellationToken) : Task.FromResult(false);

    // One status from every sensor of both fleets: none changes liveness class (and writes it) for the next 90 s,
    // so that the write counters of the next benchmark see only its own writes.
    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        foreach (var sensor in _fleet.Sensors)
        {
            await SendStatusAsync(sensor, cancellationToken);
        }

        if (_second is not null)
        {
            await _second.SendStatusesAsync(cancellationToken);
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
}
