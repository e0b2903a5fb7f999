using System.Text.Json;
using RavenXcope.FleetSim;

namespace RavenXcope.Benchmarks;

/// <summary>
/// The child side of <see cref="FleetProcess"/>: sets up one fleet, writes <see cref="FleetLine"/>s on standard
/// output (its log goes to standard error), and answers the lines it reads on standard input until told to stop.
/// </summary>
public static class FleetProcessHost
{
    /// <summary>The first argument that makes ravenxcope-bench a fleet process.</summary>
    public const string Verb = "fleet";

    private static readonly Lock Output = new();

    /// <summary>Runs the fleet until standard input says stop or ends; 0 when it was set up and stopped cleanly.</summary>
    public static async Task<int> RunAsync(BenchTarget target, int sensors, string runId)
    {
        var fleet = new FleetSimulator(Bench.FleetOptions(target, sensors) with { RunId = runId }, Console.Error);
        fleet.CommandReceived += (_, id, at) => Write(new FleetLine(FleetLine.Received) { CommandId = id, At = at });
        try
        {
            await fleet.SetUpAsync(CancellationToken.None);
            Write(new FleetLine(FleetLine.Ready)
            {
                Tenants = fleet.TenantIds,
                Sensors = [.. fleet.Sensors.Select(s => new FleetMember(s.TenantId, s.SensorId))],
                EnrollPerSecond = fleet.Counts.EnrollPerSecond,
                EnrollP99 = fleet.EnrollLatency.P99,
                EnrollCpuMsPerSensor = fleet.EnrollCpuMsPerSensor,
            });
            while (await Console.In.ReadLineAsync() is { } request && request != FleetLine.Stop)
            {
                if (request != FleetLine.Status)
                {
                    Write(new FleetLine(FleetLine.Failed) { Error = $"unknown request '{request}'" });
                    continue;
                }

                var sent = 0;
                foreach (var sensor in fleet.Sensors)
                {
                    sent += await Bench.SendStatusAsync(sensor, CancellationToken.None) ? 1 : 0;
                }

                Write(new FleetLine(FleetLine.Status) { Sent = sent });
            }

            return 0;
        }
        catch (Exception e) when (e is SimulationFailedException or HttpRequestException or InvalidOperationException or ArgumentException or IOException or TimeoutException)
        {
            Write(new FleetLine(FleetLine.Failed) { Error = e.Message });
            return 1;
        }
        finally
        {
            await fleet.ShutdownAsync();
        }
    }

    private static void Write(FleetLine line)
    {
        var text = JsonSerializer.Serialize(line, FleetLineJson.Default.FleetLine);
        lock (Output)
        {
            Console.Out.WriteLine(text);
            Console.Out.Flush();
        }
    }
}
