using System.Text;

namespace RavenXcope.FleetSim;

/// <summary>Counters of one run. Fields, so that the simulator can count with <see cref="Interlocked"/>.</summary>
public sealed class SimCounts
{
#pragma warning disable CA1051 // counters updated with Interlocked need fields
    public long Tenants;
    public long SensorsEnrolled;
    public long EnrollRefused;
    public double EnrollSeconds;
    public double EnrollPerSecond;
    public long CredentialsIssued;
    public long CredentialsPending;
    public long NatsConnects;
    public long Drops;
    public long Reconnects;
    public long ReconnectRetries;
    public long Restarts;
    public long StatusPublished;
    public long StatusFailed;
    public long Heartbeats;
    public long HeartbeatsRefused;
    public long HeartbeatsFailed;
    public long TrustRecordWrites;
    public long NatsLost;
    public long AgentErrors;
    public long CommandsSubmitted;
    public long CommandsAccepted;
    public long CommandsNotAccepted;
    public long CommandRetries;
    public long CommandsReceived;
    public long CommandsRedelivered;
    public long CommandsDone;
    public long CommandsFailed;
    public long CommandsExpired;
    public long CommandsSuperseded;
    public long CommandsLost;
    public long CommandsMisrouted;
    public long OutcomeMismatches;
    public long SensorsOnline;
    public long SensorsNotOnline;
#pragma warning restore CA1051
}

/// <summary>The run's configuration, as the report records it.</summary>
public sealed record SimConfig(int Sensors, int Tenants, double DurationSeconds, double TimeScale, int Seed, int Commands, double FailFraction, double DropFraction, bool Storm, IReadOnlyList<string> Restarts, string RunId);

/// <summary>One run: configuration, whether it reached a steady state with nothing lost, counts, latencies, processes.</summary>
public sealed record SimReport(
    string Tool,
    DateTimeOffset StartedAt,
    double ElapsedSeconds,
    SimConfig Config,
    bool Steady,
    IReadOnlyList<string> Problems,
    SimCounts Counts,
    IReadOnlyDictionary<string, LatencySummary> Latency,
    IReadOnlyDictionary<string, double> PhaseSeconds,
    IReadOnlyList<ProcessUsage> Processes,
    IReadOnlyDictionary<string, double> EnrollCpuMsPerSensor)
{
    /// <summary>A few lines for a person.</summary>
    public string Summary()
    {
        var c = Counts;
        var text = new StringBuilder();
        text.AppendLine($"fleetsim {(Steady ? "PASSED" : "FAILED")}: {Config.Sensors} sensors over {Config.Tenants} tenant(s), seed {Config.Seed}, {ElapsedSeconds} s");
        text.AppendLine($"  enrolled {c.SensorsEnrolled} at {c.EnrollPerSecond}/s (p99 {Latency["enroll"].P99} ms); NATS users {c.CredentialsIssued}; online at the end {c.SensorsOnline}");
        if (EnrollCpuMsPerSensor.Count > 0)
        {
            text.AppendLine($"  CPU per enrollment: {string.Join(", ", EnrollCpuMsPerSensor.Select(p => $"{p.Key} {p.Value} ms"))}");
        }

        text.AppendLine($"  status sent {c.StatusPublished}; heartbeats {c.Heartbeats} ok, {c.HeartbeatsRefused} refused, {c.HeartbeatsFailed} failed (p99 {Latency["heartbeat"].P99} ms); trust records written {c.TrustRecordWrites}");
        text.AppendLine($"  commands accepted {c.CommandsAccepted}: done {c.CommandsDone}, failed {c.CommandsFailed}, superseded {c.CommandsSuperseded}, expired {c.CommandsExpired}, lost {c.CommandsLost}, misrouted {c.CommandsMisrouted}; submit→received p99 {Latency["commandSubmitToReceived"].P99} ms");
        text.AppendLine($"  faults: {c.Drops} agents restarted, {c.Reconnects} reconnected (p99 {Latency["natsReconnect"].P99} ms), {c.NatsLost} NATS connections lost or refused, {c.Restarts} restarts of the stack");
        foreach (var p in Processes)
        {
            text.AppendLine($"  {p.Name} (pid {p.Pid}): {p.CpuSeconds} CPU s, peak {p.PeakRssBytes / (1024 * 1024)} MiB");
        }

        foreach (var problem in Problems.Take(30))
        {
            text.AppendLine($"  problem: {problem}");
        }

        return text.ToString();
    }
}
