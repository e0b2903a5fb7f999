using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;

namespace RavenXcope.Benchmarks;

/// <summary>
/// A fleet of agents that a child process of the benchmark sets up and runs (<c>ravenxcope-bench fleet …</c>,
/// <see cref="FleetProcessHost"/>), driven over its standard input and output. A process may hold only so many open
/// files, and each agent keeps two connections: two fleets of 5 000 do not fit in one process, one does.
/// </summary>
public sealed class FleetProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<FleetLine> _replies = Channel.CreateUnbounded<FleetLine>();
    private readonly Task _reader;
    private FleetLine _ready = null!;

    private FleetProcess(Process process)
    {
        _process = process;
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Raised for every command an agent of the fleet took: its id and the child's <see cref="Stopwatch"/>
    /// timestamp, comparable with this process's (both are the machine's monotonic clock).</summary>
    public event Action<string, long>? CommandReceived;

    /// <summary>The child's process id, whose CPU counts as the load generator's.</summary>
    public int Pid => _process.Id;

    /// <summary>The fleet's tenants.</summary>
    public IReadOnlyList<string> TenantIds => _ready.Tenants ?? [];

    /// <summary>The fleet's sensors, in the order the simulator made them.</summary>
    public IReadOnlyList<FleetMember> Sensors => _ready.Sensors ?? [];

    /// <summary>Enrollments a second while the fleet was set up.</summary>
    public double EnrollPerSecond => _ready.EnrollPerSecond;

    /// <summary>The 99th percentile of one enrollment, in milliseconds.</summary>
    public double EnrollP99 => _ready.EnrollP99;

    /// <summary>CPU milliseconds per enrollment, by process.</summary>
    public IReadOnlyDictionary<string, double> EnrollCpuMsPerSensor => _ready.EnrollCpuMsPerSensor ?? [];

    /// <summary>Starts the child and returns once its fleet is enrolled and connected; throws with the child's reason
    /// when it could not set the fleet up.</summary>
    public static async Task<FleetProcess> StartAsync(string envFile, int sensors, string runId, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? throw new InvalidOperationException("the benchmark's own program is unknown"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // Run as `dotnet ravenxcope-bench.dll`, the child needs the assembly named; as the apphost, it does not.
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(typeof(FleetProcess).Assembly.Location);
        }

        foreach (var argument in new[] { FleetProcessHost.Verb, envFile, sensors.ToString(CultureInfo.InvariantCulture), runId })
        {
            start.ArgumentList.Add(argument);
        }

        var fleet = new FleetProcess(Process.Start(start) ?? throw new InvalidOperationException("the fleet process did not start"));
        try
        {
            fleet._ready = await fleet.ReplyAsync(FleetLine.Ready, cancellationToken);
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }

        return fleet;
    }

    /// <summary>A status now from every agent of the fleet; returns how many were sent (an agent not connected sends none).</summary>
    public async Task<int> SendStatusesAsync(CancellationToken cancellationToken)
    {
        await _process.StandardInput.WriteLineAsync(FleetLine.Status.AsMemory(), cancellationToken);
        return (await ReplyAsync(FleetLine.Status, cancellationToken)).Sent;
    }

    /// <summary>Asks the child to stop its agents and waits for it to exit (2 minutes, then it is killed).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.StandardInput.WriteLineAsync(FleetLine.Stop);
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child is gone already.
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        await _reader;
        _process.Dispose();
    }

    private async Task<FleetLine> ReplyAsync(string kind, CancellationToken cancellationToken)
    {
        FleetLine line;
        try
        {
            line = await _replies.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            await _process.WaitForExitAsync(cancellationToken);
            throw new InvalidOperationException($"the fleet process exited with code {_process.ExitCode} before it answered '{kind}' (its log is above)");
        }

        return line.Kind == FleetLine.Failed
            ? throw new InvalidOperationException($"the fleet process failed: {line.Error}")
            : line.Kind == kind ? line : throw new InvalidOperationException($"the fleet process answered '{line.Kind}' to '{kind}'");
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } text)
            {
                var line = JsonSerializer.Deserialize(text, FleetLineJson.Default.FleetLine) ?? throw new InvalidDataException($"the fleet process wrote '{text}'");
                if (line.Kind == FleetLine.Received)
                {
                    CommandReceived?.Invoke(line.CommandId!, line.At);
                }
                else
                {
                    _replies.Writer.TryWrite(line);
                }
            }
        }
        finally
        {
            _replies.Writer.TryComplete();
        }
    }
}
