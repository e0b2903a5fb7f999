using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using RavenXcope.Agent;
using RavenXcope.Protocol;
using RavenXcope.Protocol.Messages;
using RavenXcope.Protocol.Nats;

namespace RavenXcope.Benchmarks;

/// <summary>3 and 3b: commands from the operator API to the agents, against a raw JetStream pull consumer.</summary>
public sealed partial class Bench
{
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
            using var response = await _api.PostAsJsonAsync($"/api/v1/tenants/{sensor.TenantId}/sensors/{sensor.SensorId}/commands", new { type = i % 2 == 0 ? CommandTypes.Start : CommandTypes.Restart }, cancellationToken);
            answered.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("commandId").GetString()!;
            var deadline = started + (Stopwatch.Frequency * 10);
            while (!received.ContainsKey(id) && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(1, cancellationToken);
            }

            system.Add(received.TryGetValue(id, out var at) ? Stopwatch.GetElapsedTime(started, at).TotalMilliseconds : 10_000);
        }

        // Floor: the same stream and the same kind of durable consumer, sensor 0's, pulled by a raw NATS.Net consumer
        // with the credentials sensor 0's agent keeps (the agent stops meanwhile, and starts again after).
        var floorSensor = _fleet.Sensors[0];
        await floorSensor.StopAsync();
        var credentials = NatsCredentialsFile.Load(floorSensor.Directory, DateTimeOffset.MinValue) ?? throw new InvalidOperationException($"{floorSensor.Key} keeps no NATS credentials");
        await using var own = new NatsConnection(NatsOpts.Default with
        {
            Url = credentials.NatsUrl,
            AuthOpts = NatsAuthOpts.Default with { CredsFile = floorSensor.Directory.NatsCredsFile },
            InboxPrefix = credentials.InboxPrefix,
        });
        var consumer = await new NatsJSContext(own).GetConsumerAsync(credentials.Stream, credentials.Consumer, cancellationToken);
        var js = new NatsJSContext(_control);
        var floor = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var command = new CommandMessage($"floor-{i}", CommandTypes.Start, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(10));
            await js.PublishAsync(NatsNames.CommandSubject(floorSensor.TenantId, floorSensor.SensorId), JsonSerializer.SerializeToUtf8Bytes(command, ProtocolJson.Default.CommandMessage), cancellationToken: cancellationToken);
            var message = await consumer.NextAsync<byte[]>(cancellationToken: cancellationToken);
            floor.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (message is { } m)
            {
                await m.AckAsync(cancellationToken: cancellationToken);
            }
        }

        await own.DisposeAsync();
        await _fleet.StartAgentAsync(floorSensor, cancellationToken);
        Add("3", "Command p99, operator API → agent received", "ms", P99(system), P99(floor), higherIsBetter: false, goal: 3,
            goalText: "≤ 3×", note: $"200 sequential commands, each taken by an agent's control loop (stand-in Suricata); p50 {P50(system)} vs {P50(floor)} ms; the API answered in p50 {P50(answered)} / p99 {P99(answered)} ms; floor = JetStream publish (ack awaited) → durable pull consumer");

        // Fan-out: one command to every sensor of both fleets at once (sensor 0's consumer served the floor).
        received.Clear();
        _second?.CommandReceived += (id, at) => received.TryAdd(id, at);
        var targets = _fleet.Sensors.Skip(1).Select(s => new FleetMember(s.TenantId, s.SensorId)).Concat(_second?.Sensors ?? []).ToList();
        var fanCpu = Cpu();
        var ids = new ConcurrentBag<string>();
        var refused = 0;
        var fanStarted = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (sensor, ct) =>
        {
            using var response = await _api.PostAsJsonAsync($"/api/v1/tenants/{sensor.TenantId}/sensors/{sensor.SensorId}/commands", new { type = CommandTypes.Stop }, ct);
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
}
