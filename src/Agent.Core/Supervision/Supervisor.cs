using Microsoft.Extensions.Logging;
using RavenXcope.Protocol.Messages;

namespace RavenXcope.Agent.Supervision;

/// <summary>
/// Holds the desired state of Suricata and drives the launcher towards it: commands change the desired
/// state; a crash while it should run is restarted with backoff (1 s doubling to 60 s). The desired state is
/// kept on disk (when a file is given), so that an agent restarted (a reboot, a service restart, an upgrade)
/// starts Suricata again if it was meant to run, without waiting for an operator's command.
/// </summary>
public sealed partial class Supervisor : ISupervisor, IAsyncDisposable
{
    private readonly Launcher _launcher;
    private readonly ILogger<Supervisor> _logger;
    private readonly string? _desiredFile;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private int _crashes;

    /// <summary>Creates the supervisor; with <paramref name="desiredFile"/>, the desired state kept there is read back.</summary>
    public Supervisor(Launcher launcher, ILogger<Supervisor> logger, string? desiredFile = null)
    {
        _launcher = launcher;
        _logger = logger;
        _desiredFile = desiredFile;
        _launcher.Exited += OnExited;
        if (desiredFile is not null && File.Exists(desiredFile) && File.ReadAllText(desiredFile).Trim() == "running")
        {
            Desired = "running";
        }
    }

    /// <summary>Starts Suricata when the kept desired state says it should run (once, when the agent starts).</summary>
    public async Task RestoreAsync()
    {
        if (Desired != "running" || _launcher.IsRunning)
        {
            return;
        }

        LogRestoring(_logger);
        await ApplyAsync(CommandTypes.Start);
    }

    /// <summary>Raised when desired or observed state changes.</summary>
    public event Action? Changed;

    /// <summary><c>running</c> or <c>stopped</c>.</summary>
    public string Desired { get; private set; } = "stopped";

    /// <summary><c>running</c>, <c>stopped</c> or <c>crashed</c>.</summary>
    public string Observed { get; private set; } = "stopped";

    /// <summary>Applies a command; returns the outcome reported to the control plane.</summary>
    public async Task<string> ApplyAsync(string type)
    {
        await _lock.WaitAsync();
        try
        {
            switch (type)
            {
                case CommandTypes.Start:
                    Desired = "running";
                    _crashes = 0;
                    _launcher.Start();
                    break;
                case CommandTypes.Stop:
                    Desired = "stopped";
                    await _launcher.StopAsync(TimeSpan.FromSeconds(10));
                    break;
                case CommandTypes.Restart:
                    Desired = "running";
                    _crashes = 0;
                    await _launcher.StopAsync(TimeSpan.FromSeconds(10));
                    _launcher.Start();
                    break;
                default:
                    return CommandOutcomes.Failed;
            }

            KeepDesired();
            Observed = _launcher.IsRunning ? "running" : "stopped";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            LogLaunchFailed(_logger, e.Message);
            Observed = "crashed";
            return CommandOutcomes.Failed;
        }
        finally
        {
            _lock.Release();
        }

        Changed?.Invoke();
        return CommandOutcomes.Done;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _launcher.StopAsync(TimeSpan.FromSeconds(10));
        _stopping.Dispose();
        _lock.Dispose();
    }

    private void KeepDesired()
    {
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

    private void OnExited(int exitCode)
    {
        Observed = "crashed";
        Changed?.Invoke();
        if (Desired != "running")
        {
            return;
        }

        var delay = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Min(_crashes++, 6))));
        LogRestarting(_logger, exitCode, delay.TotalSeconds);
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(delay, _stopping.Token);
                await _lock.WaitAsync(_stopping.Token);
                try
                {
                    if (Desired == "running" && !_launcher.IsRunning)
                    {
                        _launcher.Start();
                        Observed = "running";
                    }
                }
                finally
                {
                    _lock.Release();
                }

                Changed?.Invoke();
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Suricata crashed (exit code {ExitCode}); restarting in {DelaySeconds} s")]
    private static partial void LogRestarting(ILogger logger, int exitCode, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Suricata was running before the agent stopped; starting it again")]
    private static partial void LogRestoring(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep the desired state in {File}: {Reason}; an agent restart will not know it")]
    private static partial void LogKeepFailed(ILogger logger, string file, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Suricata could not be started: {Reason}")]
    private static partial void LogLaunchFailed(ILogger logger, string reason);
}
