using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RavenXcope.Agent;

namespace RavenXcope.SensorAgent.Cli;

/// <summary>
/// <c>ravenxcope-sensor status</c>: the trust record (identity, trust, certificate) and what the running agent says
/// about itself in its runtime directory (running or not, last heartbeat and its answer, NATS, Suricata).
/// </summary>
internal static class StatusCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static Command Create()
    {
        var stateDir = AgentOptionsCli.StateDir();
        var runtimeDir = AgentOptionsCli.RuntimeDir();
        var json = new Option<bool>("--json") { Description = "Print one JSON object (trust record and live status) instead of text." };
        var status = new Command("status", $"""
            Show this sensor's identity and trust, and whether the agent runs: its last heartbeat and answer, NATS, Suricata.
            Exit codes: {ExitCodes.Ok} enrolled and the agent runs; {ExitCodes.NotEnrolled} not enrolled; {ExitCodes.Revoked} revoked; {ExitCodes.AgentNotRunning} enrolled but 'run' is not running; {ExitCodes.SuricataDown} the agent runs but Suricata, meant to run, has failed or crashed.
            """)
        {
            stateDir, runtimeDir, json,
        };
        status.SetAction(result =>
        {
            var directory = new StateDirectory(result.GetValue(stateDir)!);
            if (Unreadable(directory) is { } denied)
            {
                Console.Error.WriteLine($"cannot read {directory.Path} ({denied}): run status as root or as the agent's user");
                return ExitCodes.LocalError;
            }

            var state = directory.SafeLoad();
            var livePath = Path.Combine(AgentOptionsCli.ResolveRuntimeDir(result.GetValue(runtimeDir), directory.Path), LiveStatus.FileName);
            var live = Read(livePath);
            var running = live is not null && IsRunning(live);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { enrolled = state is not null, agentRunning = running, trust = state, agent = live }, Json));
            }
            else if (state is null)
            {
                Console.Error.WriteLine($"not enrolled: no complete trust record in {directory.Path}; run: ravenxcope-sensor enroll --url https://<gateway>:8443 --code <claim code>");
            }
            else
            {
                Print(state, directory.Path, live, running, livePath);
            }

            return state is null ? ExitCodes.NotEnrolled
                : state.TrustState == "trust_revoked" ? ExitCodes.Revoked
                : !running ? ExitCodes.AgentNotRunning
                : live!.Suricata is { Desired: "running", Observed: "failed" or "crashed" } ? ExitCodes.SuricataDown
                : ExitCodes.Ok;
        });
        return status;
    }

    private static string? Unreadable(StateDirectory directory)
    {
        try
        {
            // A directory this user may not enter hides its files: it would read as "not enrolled".
            if (Directory.Exists(directory.Path))
            {
                _ = Directory.EnumerateFileSystemEntries(directory.Path).Any();
            }

            if (File.Exists(directory.StateFile))
            {
                using var _ = File.OpenRead(directory.StateFile);
            }

            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            return e.Message;
        }
    }

    private static LiveStatus? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<LiveStatus>(File.ReadAllText(path)) : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // Written within a few refreshes, by a process that is still there.
    private static bool IsRunning(LiveStatus live) =>
        live.StoppedAt is null
        && DateTimeOffset.UtcNow - live.UpdatedAt < TimeSpan.FromSeconds(Math.Max(1, live.RefreshSeconds) * 3 + 5)
        && Directory.Exists($"/proc/{live.Pid}");

    private static void Print(AgentState state, string stateDir, LiveStatus? live, bool running, string livePath)
    {
        var now = DateTimeOffset.UtcNow;
        Line("sensor", $"{state.TenantId}/{state.SensorId} (enrolled {At(state.EnrolledAt)}, state in {stateDir})");
        Line("trust", $"{state.TrustState}; certificate expires {At(state.CertificateExpiresAt)} ({Span(state.CertificateExpiresAt - now)} from now); renewal {state.RenewalStatus}");
        if (live is null)
        {
            Line("agent", $"not running (no live status in {livePath})");
            return;
        }

        Line("agent", running
            ? $"running (pid {live.Pid}, version {live.AgentVersion}, since {At(live.StartedAt)})"
            : live.StoppedAt is { } stopped ? $"not running (stopped {At(stopped)})" : $"not running (pid {live.Pid} last wrote its status {At(live.UpdatedAt)})");
        if (live.Heartbeat is { } beat)
        {
            var answer = beat.Status == 200 ? "200 accepted" : beat.Status == 0 ? $"no answer ({beat.Detail})" : $"{beat.Status} {beat.Code} ({beat.Detail})";
            Line("heartbeat", $"{At(beat.At)}: {answer}{(beat.Status != 200 && beat.LastAcceptedAt is { } ok ? $"; last accepted {At(ok)}" : string.Empty)}");
        }
        else
        {
            Line("heartbeat", "none yet");
        }

        var nats = live.Nats;
        Line("nats", nats.Connected
            ? $"connected since {At(nats.Since)}{(nats.LastStatusSentAt is { } sent ? $"; last status sent {At(sent)}" : string.Empty)}"
            : $"not connected: {nats.Reason}{(nats.Since is { } since ? $" (since {At(since)})" : string.Empty)}");
        var suricata = live.Suricata;
        var engine = suricata.Report;
        var facts = new List<string> { $"{suricata.Observed} (desired {suricata.Desired})" };
        if (suricata.Pid is { } pid)
        {
            facts.Add($"pid {pid}");
        }

        if (engine is not null)
        {
            if (engine.Version is { } version)
            {
                facts.Add(version);
            }

            if (engine.UptimeSeconds is { } uptime)
            {
                facts.Add($"up {Span(TimeSpan.FromSeconds(uptime))}");
            }

            if (engine.RulesLoaded is { } loaded)
            {
                facts.Add($"rules {loaded} loaded, {engine.RulesFailed ?? 0} failed");
            }

            if (engine.Packets is { } packets)
            {
                facts.Add($"packets {packets}, kernel drops {engine.KernelDrops ?? 0}");
            }

            if (engine.Restarts is { } restarts)
            {
                facts.Add($"restarted {restarts} times since the last command");
            }
        }

        Line("suricata", string.Join(", ", facts));
        if (engine?.Error is { } error)
        {
            Line("  problem", error);
        }

        if (live.LastCommand is { } last)
        {
            Line("last command", $"{last.Type} {last.CommandId}: {last.Outcome} ({At(last.At)})");
        }
    }

    private static void Line(string name, string text) => Console.WriteLine($"{name,-13}{text}");

    private static string At(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "?";

    private static string Span(TimeSpan span) =>
        span < TimeSpan.Zero ? $"-{Span(-span)}"
        : span.TotalDays >= 1 ? $"{(int)span.TotalDays}d{span.Hours}h"
        : span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes}m"
        : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m{span.Seconds}s"
        : $"{(int)span.TotalSeconds}s";
}
