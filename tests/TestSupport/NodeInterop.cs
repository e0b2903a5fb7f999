using System.Diagnostics;

namespace RavenXcope.TestSupport;

/// <summary>Runs a script of tests/interop with Node.js, feeding it JSON on stdin and returning its stdout.</summary>
public static class NodeInterop
{
    /// <summary>Runs <paramref name="script"/>; fails with the script's stderr when it exits non-zero.</summary>
    public static async Task<string> RunAsync(string script, string input, TimeSpan? timeout = null)
    {
        var directory = TestEnvironment.InteropDirectory;
        if (!Directory.Exists(Path.Combine(directory, "node_modules")))
        {
            throw new InvalidOperationException($"{directory}/node_modules is missing: run 'npm ci' there (scripts/test.sh does it)");
        }

        var start = new ProcessStartInfo("node", [script])
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start: install Node.js (apt-get install nodejs)");
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cancel.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} exited {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }
}
