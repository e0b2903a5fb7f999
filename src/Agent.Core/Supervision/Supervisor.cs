using System.ComponentModel;
using Microsoft.Extensions.Logging;
using RavenXcope.Agent.Suricata;
using RavenXcope.Protocol.Messages;

namespace RavenXcope.Agent.Supervision;

/// <summary>
/// Holds the desired state of Suricata and drives the program towards it. A start checks the program first (for
/// Suricata, <c>suricata -T</c>) and is <c>done</c> once Suricata answers on its command socket, or <c>failed</c> with
/// Suricata's own words. While it should run, a crash (an exit of its own) or a hang (its socket unanswered
/// <see cref="IEngineProgram.HungAfter"/> times in a row, or never opened within <see cref="IEngineProgram.StartTimeout"/>)
/// is restarted with backoff (1 s doubling to 60 s; from 1 s again after a minute of good running). The desired state is
/// kept on disk (when a file is given), so that an agent restarted (a reboot, a service restart, an upgrade) starts
/// Suricata again if it was meant to run. Every change of state happens under one lock, in a command or in the
/// monitor's turn; the child's exit is only noticed outside it and handled under it.
/// </summary>
public sealed partial class Supervisor : ISupervisor, IAsyncDisposable
{
    private static readonly TimeSpan StableAfter = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan StartWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StartPoll = TimeSpan.FromMilliseconds(250);

    private readonly IEngineProgram _program;
    private readonly ILogger<Supervisor> _logger;
    private readonly string? _desiredFile;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _monitor;
    private ChildProcess? _child;
    private ChildProcess? _starting;
    private string? _killedBecause;
    private bool _ready;
    private int _unanswered;
    private int _crashes;
    private int _restarts;
    private bool _restartPending;
    private SuricataReport? _said;
    private string? _problem;

    /// <summary>Creates the supervisor; with <paramref name="desiredFile"/>, the desired state kept there is read back.</summary>
    public Supervisor(IEngineProgram program, ILogger<Supervisor> logger, string? desiredFile = null, TimeProvider? time = null)
    {
        _program = program;
        _logger = logger;
        _desiredFile = desiredFile;
        _time = time ?? TimeProvider.System;
        if (desiredFile is not null && File.Exists(desiredFile) && File.ReadAllText(desiredFile).Trim() == SuricataStates.Running)
        {
            Desired = SuricataStates.Running;
        }

        _monitor = Task.Run(() => MonitorAsync(_stopping.Token));
    }

    /// <inheritdoc />
    public event Action? Changed;

    /// <inheritdoc />
    public string Desired { get; private set; } = SuricataStates.Stopped;

    /// <inheritdoc />
    public string Observed { get; private set; } = SuricataStates.Stopped;

    /// <inheritdoc />
    public SuricataReport? Report
    {
        get
        {
            var said = _said;
            var problem = _problem;
            int? restarts = _restarts > 0 ? _restarts : null;
            return said is null && problem is null && restarts is null ? null : (said ?? new SuricataReport()) with { Restarts = restarts, Error = problem };
        }
    }

    /// <summary>The running child's process id, or null.</summary>
    public int? Pid => _child is { IsRunning: true } child ? child.Pid : null;

    /// <summary>Starts Suricata when the kept desired state says it should run (once, when the agent starts).</summary>
    public async Task RestoreAsync()
    {
        if (Desired != SuricataStates.Running || _child is not null)
        {
            return;
        }

        LogRestoring(_logger);
        await ApplyAsync(CommandTypes.Start);
    }

    /// <inheritdoc />
    public async Task<SupervisorOutcome> ApplyAsync(string type)
    {
        await _lock.WaitAsync();
        try
        {
            switch (type)
            {
                case CommandTypes.Start:
                    SetDesired(SuricataStates.Running);
                    if (_child is { IsRunning: true })
                    {
                        return SupervisorOutcome.Done;
                    }

                    Forget();
                    return await StartChildAsync(check: true);
                case CommandTypes.Stop:
                    SetDesired(SuricataStates.Stopped);
                    await StopChildAsync();
                    Forget();
                    Observed = SuricataStates.Stopped;
                    return SupervisorOutcome.Done;
                case CommandTypes.Restart:
                    SetDesired(SuricataStates.Running);
                    if (await _program.CheckAsync(_stopping.Token) is { } refused)
                    {
                        // A configuration that would not start is no reason to stop the Suricata that runs.
                        _problem = refused;
                        LogStartFailed(_logger, refused);
                        return SupervisorOutcome.Failed(_child is { IsRunning: true } ? $"{refused}; the running Suricata was left running" : refused);
                    }

                    await StopChildAsync();
                    Forget();
                    return await StartChildAsync(check: false);
                default:
                    return SupervisorOutcome.Failed($"unknown command type '{type}'");
            }
        }
        finally
        {
            _lock.Release();
            Changed?.Invoke();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _monitor;
        await _lock.WaitAsync();
        try
        {
            await StopChildAsync();
        }
        finally
        {
            _lock.Release();
        }

        _stopping.Dispose();
    }

    // Under the lock. Done once the program runs (and, when it can be asked, answers); failed with its words otherwise.
    private async Task<SupervisorOutcome> StartChildAsync(bool check)
    {
        Observed = SuricataStates.Starting;
        _said = null;
        var refused = _program.Prepare();
        if (refused is null && check)
        {
            refused = await _program.CheckAsync(_stopping.Token);
        }

        ChildProcess? child = null;
        if (refused is null)
        {
            try
            {
                child = ChildProcess.Start(_program.StartInfo(), _logger);
            }
            catch (Exception e) when (e is Win32Exception or InvalidOperationException)
            {
                refused = $"Suricata cannot be run: {e.Message}";
            }
        }

        if (child is null)
        {
            return Refused(refused!);
        }

        _child = child;
        _starting = child;
        _killedBecause = null;
        _ready = false;
        _unanswered = 0;
        _ = child.Exited.ContinueWith(_ => OnExited(child), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        LogStarted(_logger, child.Pid);
        try
        {
            var deadline = _time.GetUtcNow() + (_program.StartTimeout < StartWait ? _program.StartTimeout : StartWait);
            while (_program.CanProbe && !_ready && child.IsRunning && _time.GetUtcNow() < deadline)
            {
                if (!await ProbeAsync(child))
                {
                    await Task.WhenAny(child.Exited, Task.Delay(StartPoll, _time, _stopping.Token));
                }
            }

            if (!child.IsRunning)
            {
                _child = null;
                var code = await child.Exited;
                return Refused($"Suricata exited during its start ({ExitText(code)}): {SuricataProgram.Explain(child.Tail())}");
            }

            // Still loading its rules after the wait: the monitor gives it the rest of the start timeout.
            Observed = _ready || !_program.CanProbe ? SuricataStates.Running : SuricataStates.Starting;
            return SupervisorOutcome.Done;
        }
        finally
        {
            _starting = null;
            if (_child == child && !child.IsRunning)
            {
                // Exited in the moment between the last look and now: a crash like any other.
                OnExited(child);
            }
        }
    }

    // A command starts the account afresh: no crashes behind it, no restarts, no problem.
    private void Forget()
    {
        _crashes = 0;
        _restarts = 0;
        _problem = null;
    }

    private SupervisorOutcome Refused(string reason)
    {
        Observed = SuricataStates.Failed;
        _problem = reason;
        LogStartFailed(_logger, reason);
        return SupervisorOutcome.Failed(reason);
    }

    // Under the lock.
    private async Task StopChildAsync()
    {
        if (_child is not { } child)
        {
            return;
        }

        _child = null;
        var code = await child.StopAsync(_program.StopGrace);
        LogStopped(_logger, child.Pid, code);
        child.Dispose();
        _said = null;
        _ready = false;
    }

    // Asks the program how it is; under the lock. False when it did not answer.
    private async Task<bool> ProbeAsync(ChildProcess child)
    {
        try
        {
            _said = await _program.ProbeAsync(_stopping.Token);
            _unanswered = 0;
            if (!_ready)
            {
                _ready = true;
                LogAnswering(_logger, child.Pid, _said.Version ?? "?", _said.RulesLoaded ?? 0);
            }

            return true;
        }
        catch (SuricataSocketException e) when (!_stopping.IsCancellationRequested)
        {
            _unanswered++;
            if (_ready && _unanswered == 1)
            {
                LogUnanswered(_logger, child.Pid, e.Message);
            }

            return false;
        }
    }

    private void SetDesired(string desired)
    {
        Desired = desired;
        if (_desiredFile is null)
        {
            return;
        }

        try
        {
            if (!File.Exists(_desiredFile) || File.ReadAllText(_desiredFile).Trim() != Desired)
            {
                RavenXcope.Common.SecretFiles.WriteAtomically(_desiredFile, Desired + "\n", secret: false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogKeepFailed(_logger, _desiredFile, e.Message);
        }
    }

    private static string ExitText(int code) => code > 128 ? $"exit code {code}: killed by signal {code - 128}" : $"exit code {code}";
}
