using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace RavenXcope.Agent.Supervision;

/// <summary>Starts and stops the configured command line (Suricata, or a stand-in in tests) and reports how it ended.</summary>
public sealed partial class Launcher(string commandLine, ILogger<Launcher> logger)
{
    private Process? _process;

    /// <summary>True while the program runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Raised (on a thread-pool thread) when the program exits on its own, with its exit code.</summary>
    public event Action<int>? Exited;

    /// <summary>Starts the program through <c>/bin/sh -c</c>; nothing happens when it already runs.</summary>
    public void Start()
    {
        if (IsRunning)
        {
            return;
        }

        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec {commandLine}");
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.Exited += (_, _) =>
        {
            if (ReferenceEquals(_process, process))
            {
                LogExited(logger, process.ExitCode);
                Exited?.Invoke(process.ExitCode);
            }
        };
        process.Start();
        _process = process;
        LogStarted(logger, process.Id);
    }

    /// <summary>Stops the program: SIGTERM, then SIGKILL after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        var process = _process;
        _process = null;
        if (process is null || process.HasExited)
        {
            return;
        }

        _ = Kill(process.Id, 15);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        LogStopped(logger, process.ExitCode);
        process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Suricata started (pid {Pid})")]
    private static partial void LogStarted(ILogger logger, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Suricata stopped (exit code {ExitCode})")]
    private static partial void LogStopped(ILogger logger, int exitCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Suricata exited on its own with code {ExitCode}")]
    private static partial void LogExited(ILogger logger, int exitCode);
}
