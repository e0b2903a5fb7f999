using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace RavenXcope.FleetSim;

/// <summary>The end checks: every accepted command final, every sensor online, nothing misrouted, outcomes as reported.</summary>
public sealed partial class FleetSimulator
{
    // The operator API's final statuses of a command (its ledger, not the agent's outcomes).
    private static readonly HashSet<string> FinalStatuses = ["done", "failed", "expired", "superseded"];

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
                if (response.IsSuccessStatusCode && sensor.NatsConnected
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
                return lost == 0 && offline == 0 && _earlyReceipts.IsEmpty && _meter.Counts.CommandsMisrouted == 0 && _meter.Counts.OutcomeMismatches == 0
                    && _meter.AgentFailures.IsEmpty;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    private void Tally(int lost, int offline)
    {
        var counts = _meter.Counts;
        counts.CommandsLost = lost;
        counts.SensorsNotOnline = offline;
        counts.SensorsOnline = _sensors.Count - offline;
        foreach (var track in _commands.Values)
        {
            switch (track.FinalStatus)
            {
                case "done": counts.CommandsDone++; break;
                case "failed": counts.CommandsFailed++; break;
                case "expired": counts.CommandsExpired++; break;
                case "superseded": counts.CommandsSuperseded++; break;
            }

            // The ledger must say what the agent reported; done or failed without delivery is a phantom.
            if ((track.FinalStatus is "done" or "failed") && track.FinalStatus != track.ReportedOutcome)
            {
                counts.OutcomeMismatches++;
                _problems.Add($"command {track.CommandId}: ledger {track.FinalStatus}, agent reported {track.ReportedOutcome ?? "nothing"}");
            }
        }

        if (lost > 0)
        {
            _problems.Add($"{lost} accepted command(s) never reached a final state");
            foreach (var track in _commands.Values.Where(c => c.FinalStatus is null).Take(20))
            {
                _problems.Add($"unfinished: {track.Type} {track.CommandId} for {track.Target.Key}: ledger {track.LastSeenStatus ?? "unknown"}, agent {(track.Received ? $"took it and reported {track.ReportedOutcome}" : "never took it")}");
            }
        }

        if (offline > 0)
        {
            _problems.Add($"{offline} enrolled sensor(s) not online at the end");
            foreach (var sensor in _sensors.Where(s => !s.ConfirmedOnline).Take(20))
            {
                _problems.Add($"not online: {sensor.Key}: agent {(sensor.Ended is { } ended ? $"ended ({ended})" : sensor.NatsConnected ? "connected to NATS" : "not connected to NATS")}");
            }
        }

        foreach (var failure in _meter.AgentFailures.Take(5))
        {
            _problems.Add(failure);
        }

        foreach (var early in _earlyReceipts)
        {
            counts.CommandsMisrouted++;
            _problems.Add($"{early.Value.Sensor.Key} took command {early.Key}, which this run never submitted");
        }
    }
}
