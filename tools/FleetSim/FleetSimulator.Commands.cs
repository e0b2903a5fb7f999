using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace RavenXcope.FleetSim;

/// <summary>
/// Commands: submitted through the operator API as an operator's tool would, and each one checked when an agent
/// takes it (the right sensor, once) and at the end (the ledger says what the agent reported).
/// </summary>
public sealed partial class FleetSimulator
{
    private readonly ConcurrentDictionary<string, CommandTrack> _commands = new();
    private readonly ConcurrentDictionary<string, (VirtualSensor Sensor, long At, string Outcome)> _earlyReceipts = new();
    private readonly SemaphoreSlim _inFlight = new(512);

    private async Task SubmitCommandAsync(VirtualSensor target, string type, string idempotencyKey, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken);
        try
        {
            var started = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _meter.Counts.CommandsSubmitted);

            // An answer lost in an outage is asked for again with the same idempotency key, so that a command the
            // control plane took is never taken for one it refused.
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
                        Interlocked.Increment(ref _meter.Counts.CommandsNotAccepted);
                        _problems.Add($"command for {target.Key} answered {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                        return;
                    }
                }
                catch (Exception e) when (attempt < 10 && (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested)))
                {
                }

                Interlocked.Increment(ref _meter.Counts.CommandRetries);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
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

        Interlocked.Increment(ref _meter.Counts.CommandsAccepted);
        if (_earlyReceipts.TryRemove(track.CommandId, out var early))
        {
            Check(track, early.Sensor, early.At, early.Outcome);
        }
    }

    private void OnTaken(VirtualSensor sensor, string commandId, string outcome, long at)
    {
        CommandReceived?.Invoke(sensor, commandId, at);
        if (_commands.TryGetValue(commandId, out var track))
        {
            Check(track, sensor, at, outcome);
            return;
        }

        // The agent can see a command before the operator's call returns its id.
        _earlyReceipts[commandId] = (sensor, at, outcome);
        if (_commands.TryGetValue(commandId, out track) && _earlyReceipts.TryRemove(commandId, out var early))
        {
            Check(track, early.Sensor, early.At, early.Outcome);
        }
    }

    private void Check(CommandTrack track, VirtualSensor receiver, long receivedAt, string outcome)
    {
        if (!ReferenceEquals(track.Target, receiver))
        {
            Interlocked.Increment(ref _meter.Counts.CommandsMisrouted);
            _problems.Add($"command {track.CommandId} for {track.Target.Key} reached {receiver.Key}");
            return;
        }

        lock (track)
        {
            if (track.Received)
            {
                // Delivered again (an ack lost in a drop): the agent's ledger recognised it and reported it again.
                Interlocked.Increment(ref _meter.Counts.CommandsRedelivered);
                return;
            }

            track.Received = true;
            track.ReportedOutcome = outcome;
        }

        Interlocked.Increment(ref _meter.Counts.CommandsReceived);
        _meter.Command.RecordSince(track.SubmittedAt);
    }
}
