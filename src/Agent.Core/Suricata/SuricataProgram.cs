using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using RavenXcope.Agent.Supervision;
using RavenXcope.Protocol.Messages;

namespace RavenXcope.Agent.Suricata;

/// <summary>
/// Suricata 7 itself: <c>suricata -c &lt;config&gt; --af-packet[=&lt;iface&gt;] …</c> with its command socket in the agent's
/// runtime directory. Before a start the same command line is checked with <c>-T</c>, so that a missing program or a
/// broken configuration fails the start with Suricata's own words; while it runs, the socket is asked for its uptime,
/// version, rules and capture counters, and a socket that stops answering shows a hung Suricata.
/// </summary>
public sealed class SuricataProgram(SuricataOptions options) : IEngineProgram
{
    private const int MaxCheckOutputLines = 400;

    /// <summary>The options.</summary>
    public SuricataOptions Options { get; } = options;

    /// <inheritdoc />
    public bool CanProbe => true;

    /// <inheritdoc />
    public TimeSpan StartTimeout => Options.StartTimeout;

    /// <inheritdoc />
    public TimeSpan ProbeInterval => Options.ProbeInterval;

    /// <inheritdoc />
    public int HungAfter => Options.HungAfter;

    /// <inheritdoc />
    public TimeSpan StopGrace => Options.StopGrace;

    /// <inheritdoc />
    public ProcessStartInfo StartInfo() => Start(Options.RunArguments());

    /// <inheritdoc />
    public string? Prepare()
    {
        // A unix socket's path has room for 107 bytes.
        if (System.Text.Encoding.UTF8.GetByteCount(Options.SocketPath) > 107)
        {
            return $"the runtime directory {Options.RuntimeDirectory} is too long a path for Suricata's command socket (at most 107 bytes with '/suricata.socket'); set a shorter one (--runtime-dir, RXC_RUNTIME_DIR)";
        }

        try
        {
            Directory.CreateDirectory(Options.RuntimeDirectory);
            if (Options.LogDirectory is { } logs)
            {
                Directory.CreateDirectory(logs);
            }

            // A socket left by a Suricata that was killed would answer nothing and look like a hung one.
            File.Delete(Options.SocketPath);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot prepare Suricata's directories: {e.Message}";
        }
    }

    /// <inheritdoc />
    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        ChildProcess check;
        try
        {
            check = ChildProcess.Start(Start(Options.CheckArguments()), NullLogger.Instance, MaxCheckOutputLines);
        }
        catch (Win32Exception e)
        {
            return $"Suricata cannot be run: '{Options.Program}': {e.Message} (install it: apt-get install -t bookworm-backports suricata, or set RXC_SURICATA to the program)";
        }

        using (check)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Options.CheckTimeout);
            int exit;
            try
            {
                exit = await check.Exited.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                check.Kill();
                cancellationToken.ThrowIfCancellationRequested();
                return $"'suricata -T' did not finish within {Options.CheckTimeout.TotalSeconds:0} s";
            }

            return exit == 0 ? null : $"'suricata -T' failed (exit code {exit}): {Explain(check.Tail())}";
        }
    }

    /// <inheritdoc />
    public async Task<SuricataReport> ProbeAsync(CancellationToken cancellationToken)
    {
        await using var socket = await SuricataSocket.OpenAsync(Options.SocketPath, Options.ProbeTimeout, cancellationToken);
        var uptime = await socket.UptimeAsync(cancellationToken);
        var version = await socket.VersionAsync(cancellationToken);
        var (loaded, failed) = await socket.RulesAsync(cancellationToken);
        long packets = 0, drops = 0;
        foreach (var name in await socket.InterfacesAsync(cancellationToken))
        {
            var (p, d) = await socket.InterfaceStatsAsync(name, cancellationToken);
            packets += p;
            drops += d;
        }

        return new SuricataReport(version, uptime, loaded, failed, packets, drops);
    }

    /// <summary>
    /// What Suricata said about why it stopped: its error lines (<c>E:</c> on a terminal, <c>Error:</c> otherwise), or its
    /// warnings when it gave no error (a configuration without rules fails <c>-T</c> with a warning only), or its last lines.
    /// </summary>
    public static string Explain(IReadOnlyList<string> lines)
    {
        static string? Said(string line, params string[] prefixes)
        {
            var trimmed = line.Trim();
            foreach (var prefix in prefixes)
            {
                var at = trimmed.IndexOf(prefix, StringComparison.Ordinal);
                if (at == 0 || (at > 0 && trimmed[at - 1] is ' ' or ']'))
                {
                    return trimmed[(at + prefix.Length)..].Trim();
                }
            }

            return null;
        }

        var errors = lines.Select(l => Said(l, "E: ", "Error: ")).OfType<string>().Distinct().ToList();
        if (errors.Count == 0)
        {
            errors = lines.Select(l => Said(l, "W: ", "Warning: ")).OfType<string>().Distinct().ToList();
        }

        if (errors.Count == 0)
        {
            errors = lines.Where(l => !string.IsNullOrWhiteSpace(l)).TakeLast(3).Select(l => l.Trim()).ToList();
        }

        if (errors.Count == 0)
        {
            return "it printed nothing";
        }

        // A fresh host's Suricata names the rule file suricata-update writes; say how to get one.
        if (errors.Any(e => e.Contains("No rule files match", StringComparison.Ordinal)))
        {
            errors.Add(NoRulesHint);
        }

        return string.Join("; ", errors);
    }

    private const string NoRulesHint =
        "Suricata has no rules: fetch them with suricata-update (as root), or name a rule file with --suricata-arg=-S --suricata-arg=/etc/suricata/rules/decoder-events.rules (for the service: RXC_SURICATA_ARGS=-S <file> in /etc/ravenxcope/sensor-agent.env)";

    private ProcessStartInfo Start(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(Options.Program);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
