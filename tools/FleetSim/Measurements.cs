using System.Diagnostics;

namespace RavenXcope.FleetSim;

/// <summary>Latencies in milliseconds, collected from many tasks; percentiles at the end.</summary>
public sealed class LatencyRecorder
{
    private readonly List<double> _values = [];
    private readonly Lock _gate = new();

    /// <summary>Records the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public double RecordSince(long startTimestamp)
    {
        var ms = Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
        lock (_gate)
        {
            _values.Add(ms);
        }

        return ms;
    }

    /// <summary>Records a latency measured elsewhere.</summary>
    public void Record(TimeSpan elapsed)
    {
        lock (_gate)
        {
            _values.Add(elapsed.TotalMilliseconds);
        }
    }

    /// <summary>Count and p50/p90/p99/max, in milliseconds.</summary>
    public LatencySummary Summarize()
    {
        double[] sorted;
        lock (_gate)
        {
            sorted = [.. _values];
        }

        Array.Sort(sorted);
        return new LatencySummary(sorted.Length, At(sorted, 0.50), At(sorted, 0.90), At(sorted, 0.99), sorted.Length == 0 ? 0 : sorted[^1]);
    }

    private static double At(double[] sorted, double quantile) =>
        sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)], 3);
}

/// <summary>A latency distribution, in milliseconds.</summary>
public sealed record LatencySummary(int Count, double P50, double P90, double P99, double Max);

/// <summary>CPU seconds and peak resident memory of a process, from /proc.</summary>
public sealed record ProcessUsage(string Name, int Pid, double CpuSeconds, long PeakRssBytes, long RssBytes);

/// <summary>Reads /proc/&lt;pid&gt;/stat and /status (Linux).</summary>
public static class ProcessProbe
{
    private const double ClockTicksPerSecond = 100;

    /// <summary>User plus system CPU seconds so far, or null when the process is gone.</summary>
    public static double? CpuSeconds(int pid) => Fields(pid) is { } fields
        ? (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / ClockTicksPerSecond
        : null;

    /// <summary>
    /// CPU seconds of a process and its children (live ones, and those it has waited for): PostgreSQL's work is
    /// done in backends under the postmaster. Null when the process is gone.
    /// </summary>
    public static double? TreeCpuSeconds(int pid)
    {
        if (Fields(pid) is not { } fields)
        {
            return null;
        }

        var ticks = fields.Skip(11).Take(4).Sum(f => long.Parse(f, System.Globalization.CultureInfo.InvariantCulture));
        return (ticks / ClockTicksPerSecond) + Children(pid).Sum(child => CpuSeconds(child) ?? 0);
    }

    /// <summary>A field of /proc/&lt;pid&gt;/status in bytes (VmHWM, VmRSS), or 0.</summary>
    public static long StatusBytes(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    var kb = line[(field.Length + 1)..].Trim().Split(' ')[0];
                    return long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    /// <summary>Proportional set size of a process in bytes (shared pages split among their users), or 0.</summary>
    public static long Pss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/smaps_rollup").FirstOrDefault(l => l.StartsWith("Pss:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[4..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The ids of the processes whose parent is <paramref name="parent"/>.</summary>
    public static IEnumerable<int> Children(int parent)
    {
        foreach (var name in Directory.EnumerateDirectories("/proc").Select(Path.GetFileName))
        {
            if (int.TryParse(name, out var pid) && Fields(pid) is { } fields && fields[1] == parent.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                yield return pid;
            }
        }
    }

    /// <summary>How many more files this process may open (its soft limit less those open), or null where /proc does not tell.</summary>
    public static long? FreeFileDescriptors()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (!long.TryParse(soft, out var limit))
            {
                return null;
            }

            return limit - Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // The fields of /proc/<pid>/stat after the command name (in parentheses, and it may hold spaces).
    private static string[]? Fields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }
}
