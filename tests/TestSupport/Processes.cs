using System.Diagnostics;
using System.Globalization;

namespace RavenXcope.TestSupport;

/// <summary>Other processes, by id: whether they still run, and signals to them.</summary>
public static class Processes
{
    /// <summary>True while a process with this id exists and is not a zombie waiting for its parent.</summary>
    public static bool Alive(int pid)
    {
        try
        {
            // The state is the field after the command name, which is in parentheses and may itself hold spaces.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 1)..].TrimStart()[0] != 'Z';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>Sends <paramref name="signal"/> (a name such as <c>KILL</c> or a number) to <paramref name="pid"/>; throws when kill refuses.</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} failed with exit code {kill.ExitCode}");
        }
    }
}
