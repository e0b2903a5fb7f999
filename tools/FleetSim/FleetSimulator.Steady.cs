using System.Diagnostics;
using RavenXcope.Protocol.Messages;

namespace RavenXcope.FleetSim;

/// <summary>
/// The steady phase: the agents heartbeat and send status by themselves; the simulator submits commands spread over
/// the phase and brings the faults in at fixed points (drops, a reconnect storm, restarts of the stack's parts).
/// </summary>
public sealed partial class FleetSimulator
{
    private static readonly string[] Commands = [CommandTypes.Start, CommandTypes.Stop, CommandTypes.Restart];

    private async Task<bool> SteadyAndSettleAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var faults = new List<Task>();
        var driver = Task.Run(() => DriveAsync(faults, stop.Token), CancellationToken.None);
        try
        {
            await Task.Delay(_options.Duration, cancellationToken);
            await _log.WriteLineAsync($"fleetsim: steady phase over ({_meter.Counts.CommandsAccepted} commands accepted); checking that nothing was lost");
            return await SettleAsync(cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await driver;
            await Task.WhenAll(faults);
        }
    }

    private async Task DriveAsync(List<Task> faults, CancellationToken cancellationToken)
    {
        var steadyStart = Stopwatch.GetTimestamp();
        var commandWindow = _options.Duration * 0.8;
        var submitted = 0;
        bool dropped = false, stormed = false, restarted = false;
        var submissions = new List<Task>();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            while (await tick.WaitForNextTickAsync(cancellationToken))
            {
                var elapsed = Stopwatch.GetElapsedTime(steadyStart);

                // Commands spread evenly over the first 80 % of the steady phase.
                var dueCommands = elapsed >= commandWindow ? _options.Commands : (int)(_options.Commands * (elapsed / commandWindow));
                for (; submitted < dueCommands; submitted++)
                {
                    submissions.Add(SubmitCommandAsync(_sensors[_random.Next(_sensors.Count)], Commands[_random.Next(Commands.Length)], $"{_runId}-{submitted}", cancellationToken));
                }

                if (!dropped && _options.DropFraction > 0 && elapsed >= _options.Duration / 3)
                {
                    dropped = true;
                    var victims = _sensors.Where(_ => _random.NextDouble() < _options.DropFraction).ToList();
                    await _log.WriteLineAsync($"fleetsim: dropping {victims.Count} sensors");
                    faults.AddRange(victims.Select(v => Fault(v, TimeSpan.FromSeconds(0.5 + (_random.NextDouble() * 1.5)), cancellationToken)));
                }

                if (!stormed && _options.Storm && elapsed >= _options.Duration / 2)
                {
                    stormed = true;
                    await _log.WriteLineAsync($"fleetsim: reconnect storm, all {_sensors.Count} sensors");
                    faults.AddRange(_sensors.Where(s => !s.Restarting).Select(v => Fault(v, TimeSpan.FromSeconds(_random.NextDouble() * 3), cancellationToken)));
                }

                if (!restarted && _options.Restarts.Count > 0 && elapsed >= _options.Duration * 2 / 3)
                {
                    restarted = true;
                    faults.Add(RestartAsync(cancellationToken));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(submissions);
    }

    // A drop: the host's agent stops and a new one starts after the downtime (the drop ends with the run at the latest).
    private async Task Fault(VirtualSensor sensor, TimeSpan downtime, CancellationToken cancellationToken)
    {
        try
        {
            await sensor.RestartAsync(downtime, _agentOptions, _agentLoggers, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
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
                Interlocked.Increment(ref _meter.Counts.Restarts);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _problems.Add($"restart of {name} failed: {e.Message}");
            }
        }
    }
}
