using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace RavenXcope.Agent.Supervision;

/// <summary>
/// One run of the supervised program as a child process: its output is read as it comes (a pipe left full would stop
/// Suricata) and its last lines kept, so that a start that fails or a crash is reported in the program's own words.
/// </summary>
public sealed partial class ChildProcess : IDisposable
{
    private const int TailLines = 40;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly int _tailLines;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;

    private ChildProcess(Process process, ILogger logger, int tailLines)
    {
        _process = process;
        _logger = logger;
        _tailLines = tailLines;
    }

    /// <summary>The process id.</summary>
    public int Pid { get; private set; }

    /// <summary>When it started.</summary>
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Completes with the exit code when the process has ended.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>True while it runs.</summary>
    public bool IsRunning => !_exited.Task.IsCompleted;

    /// <summary>Starts <paramref name="start"/> (its output redirected here, the last <paramref name="tailLines"/> lines kept).</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The program cannot be run (missing, not executable).</exception>
    public static ChildProcess Start(ProcessStartInfo start, ILogger logger, int tailLines = TailLines)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = false;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(process, logger, tailLines);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        process.Exited += (_, _) => child.OnExited();
        process.Start();
        child.Pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The last lines it printed (standard output and error, in order).</summary>
    public IReadOnlyList<string> Tail()
    {
        lock (_tail)
        {
            return [.. _tail];
        }
    }

    /// <summary>Stops it: SIGTERM, then SIGKILL after <paramref name="grace"/>; returns its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan grace)
    {
        if (IsRunning)
        {
            _ = Signal(Pid, 15);
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                return await Exited.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                LogKilled(_logger, Pid, grace.TotalSeconds);
                Kill();
            }
        }

        return await Exited;
    }

    /// <summary>Ends it at once (SIGKILL): for a program that does not answer, or does not stop.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <inheritdoc />
    public void Dispose() => _process.Dispose();

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > _tailLines)
            {
                _tail.Dequeue();
            }
        }
    }

    private void OnExited()
    {
        // The output handlers may still hold the last lines: the wait lets them land before anyone reads the tail.
        _process.WaitForExit();
        _exited.TrySetResult(_process.ExitCode);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Signal(int pid, int signal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Suricata (pid {Pid}) did not stop within {GraceSeconds} s of SIGTERM; killing it")]
    private static partial void LogKilled(ILogger logger, int pid, double graceSeconds);
}
