using Microsoft.Extensions.Logging;
using RavenXcope.Agent.Suricata;
using RavenXcope.Protocol.Messages;

namespace RavenXcope.Agent.Supervision;

/// <summary>
/// The supervisor's watch while Suricata should run: an exit of its own is a crash, a socket that stops answering (or
/// never opens) is a hang that is killed and then handled as a crash, and either is followed by a start after a backoff.
/// </summary>
public sealed partial class Supervisor
{
    private void OnExited(ChildProcess child)
    {
        if (_starting == child || _child != child || _stopping.IsCancellationRequested)
        {
            // A stop, or a start that reports the exit itself.
            return;
        }

        _ = HandleCrashAsync(child);
    }

    private async Task HandleCrashAsync(ChildProcess child)
    {
        try
        {
            await _lock.WaitAsync(_stopping.Token);
            try
            {
                if (_child != child)
                {
                    return;
                }

                var code = await child.Exited;
                _child = null;
                _problem = _killedBecause ?? $"Suricata exited on its own ({ExitText(code)}): {SuricataProgram.Explain(child.Tail())}";
                _said = null;
                _ready = false;
                Observed = SuricataStates.Crashed;
                if (_time.GetUtcNow() - child.StartedAt >= StableAfter)
                {
                    _crashes = 0;
                }

                child.Dispose();
                ScheduleRestart();
            }
            finally
            {
                _lock.Release();
            }

            Changed?.Invoke();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    // Under the lock: one restart loop at a time; it ends when a command took over or a start succeeded.
    private void ScheduleRestart()
    {
        if (Desired != SuricataStates.Running || _restartPending)
        {
            return;
        }

        _restartPending = true;
        _ = Task.Run(RestartLoopAsync);
    }

    private async Task RestartLoopAsync()
    {
        try
        {
            while (true)
            {
                var delay = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Min(_crashes++, 6))));
                LogRestarting(_logger, _problem ?? "unknown", delay.TotalSeconds);
                await Task.Delay(delay, _time, _stopping.Token);
                await _lock.WaitAsync(_stopping.Token);
                try
                {
                    if (Desired != SuricataStates.Running || _child is not null)
                    {
                        return;
                    }

                    _restarts++;
                    var outcome = await StartChildAsync(check: false);
                    if (outcome.Outcome == CommandOutcomes.Done)
                    {
                        return;
                    }

                    Observed = SuricataStates.Crashed;
                }
                finally
                {
                    _lock.Release();
                    Changed?.Invoke();
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            _restartPending = false;
        }
    }

    // Asks the running program how it is, every probe interval; a hang is killed and then handled as a crash.
    private async Task MonitorAsync(CancellationToken cancellationToken)
    {
        if (!_program.CanProbe)
        {
            return;
        }

        try
        {
            while (true)
            {
                await Task.Delay(_program.ProbeInterval, _time, cancellationToken);

                // A command in progress has the lock and looks itself: this round is skipped.
                if (!await _lock.WaitAsync(0, cancellationToken))
                {
                    continue;
                }

                var changed = false;
                try
                {
                    if (_child is not { IsRunning: true } child || _killedBecause is not null)
                    {
                        continue;
                    }

                    var wasReady = _ready;
                    await ProbeAsync(child);
                    if (_ready && Observed != SuricataStates.Running)
                    {
                        Observed = SuricataStates.Running;
                        changed = true;
                    }

                    var hung = wasReady && _unanswered >= _program.HungAfter
                        ? $"Suricata did not answer on its command socket {_unanswered} times in a row; killed it to start it again"
                        : !_ready && _time.GetUtcNow() - child.StartedAt > _program.StartTimeout
                            ? $"Suricata did not open its command socket within {_program.StartTimeout.TotalSeconds:0} s of its start; killed it to start it again"
                            : null;
                    if (hung is not null)
                    {
                        LogHung(_logger, child.Pid, hung);
                        _killedBecause = hung;
                        child.Kill();
                    }
                }
                finally
                {
                    _lock.Release();
                }

                if (changed)
                {
                    Changed?.Invoke();
                }
            }
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or SuricataSocketException)
        {
            // The supervisor is being disposed.
        }
    }
}
