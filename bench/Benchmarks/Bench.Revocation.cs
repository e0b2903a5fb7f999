using System.Diagnostics;
using NATS.Client.Core;
using RavenXcope.Agent;

namespace RavenXcope.Benchmarks;

/// <summary>8: revocation, from the revoke call to the sensor refused on both planes.</summary>
public sealed partial class Bench
{
    // 8. Revocation: revoke call → the sensor's mTLS request refused and its NATS connection dropped.
    private async Task RevocationAsync(CancellationToken cancellationToken)
    {
        var samples = new List<double>();
        var https = new List<double>();
        var nats = new List<double>();
        var answered = new List<double>();
        foreach (var sensor in _fleet.Sensors.TakeLast(20))
        {
            var control = sensor.Runner?.Control ?? throw new InvalidOperationException($"the agent of {sensor.Key} is not running");

            // A channel of the sensor's identity, connected before the clock starts, asks while the revoke call runs:
            // the refusal counts from when it takes effect, not from when the call returns (which is after the NATS
            // user is cut). The agent's own loops see the refusal at their next heartbeat.
            using var identity = SensorIdentity.Load(sensor.Directory);
            using var channel = new SensorChannel(target.Sensor, identity, new SensorChannelOptions { TlsServerName = _fleet.AgentOptions.TlsServerName });
            await channel.HeartbeatAsync("running", "trusted", cancellationToken);
            var started = Stopwatch.GetTimestamp();
            var refused = Task.Run(async () =>
            {
                while (true)
                {
                    var answer = await channel.HeartbeatAsync("running", "trusted", cancellationToken);
                    if (!answer.IsSuccess && !answer.IsUnreachable)
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
                while (control.ConnectionState == NatsConnectionState.Open && Stopwatch.GetTimestamp() < deadline)
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
            goalText: "< 1000 ms", note: $"20 sensors of a tenant with {_fleet.Sensors.Count} connected; NATS dropped = the agent's own connection left the open state; mTLS refused p99 {P99(https)} ms, NATS connection dropped p99 {P99(nats)} ms (p50 {P50(nats)}); the revoke call answered p50 {P50(answered)} ms, after the user's revocation is pushed to nats-server", absolute: P99(samples) < 1000);
    }
}
