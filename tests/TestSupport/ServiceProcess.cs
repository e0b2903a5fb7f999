using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace RavenXcope.TestSupport;

/// <summary>A program of ours run as a real process, its output captured; stopped with SIGTERM on dispose.</summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    /// <summary>Short name for messages.</summary>
    public string Name { get; }

    /// <summary>Everything it printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>True once it exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Its exit code (after exit).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The repository root (the folder holding RavenXcope.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "RavenXcope.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("RavenXcope.sln not found above the test folder");
        }
    }

    /// <summary>The built program <paramref name="assemblyName"/> of project folder <paramref name="project"/> (under <paramref name="folder"/>), same configuration as the tests.</summary>
    public static string Program(string project, string assemblyName, string folder = "src")
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(RepositoryRoot, folder, project, "bin", configuration, "net10.0", assemblyName);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built: run scripts/test.sh (it builds the solution)", path);
    }

    /// <summary>Starts <paramref name="program"/> with <paramref name="arguments"/> and extra environment.</summary>
    public static ServiceProcess Start(string name, string program, IEnumerable<string> arguments, IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var service = new ServiceProcess(process, name);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Runs a command to its end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> arguments, IDictionary<string, string> environment, TimeSpan? timeout = null)
    {
        await using var process = Start(Path.GetFileName(program), program, arguments, environment);
        var exit = await process.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(60));
        return (exit, process.Output);
    }

    /// <summary>Kills the process at once (SIGKILL): a crash, as the operating system sees one.</summary>
    public void KillNow() => _process.Kill(entireProcessTree: true);

    /// <summary>Waits for the process to exit; fails with its output at the deadline.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout}; output:\n{Output}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 15);
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
