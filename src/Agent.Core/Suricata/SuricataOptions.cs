namespace RavenXcope.Agent.Suricata;

/// <summary>How the agent runs Suricata (<c>ravenxcope-sensor run</c> fills it from its options and environment).</summary>
public sealed record SuricataOptions
{
    /// <summary>The program: a path, or a name looked up on PATH.</summary>
    public string Program { get; init; } = "suricata";

    /// <summary>Suricata's configuration (<c>-c</c>).</summary>
    public string ConfigFile { get; init; } = "/etc/suricata/suricata.yaml";

    /// <summary>
    /// The interfaces to capture on with AF_PACKET (<c>--af-packet=&lt;iface&gt;</c> each); none means every interface
    /// of the configuration's <c>af-packet</c> section (<c>--af-packet</c>).
    /// </summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    /// <summary>Where the command socket lives (the agent's runtime directory: <c>/run/ravenxcope-sensor</c> under systemd).</summary>
    public required string RuntimeDirectory { get; init; }

    /// <summary>Suricata's log directory (<c>-l</c>: eve.json, suricata.log, stats.log); null keeps the configuration's.</summary>
    public string? LogDirectory { get; init; }

    /// <summary>Arguments given as they are, before the capture filter (e.g. <c>-S /etc/ravenxcope/local.rules</c>).</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>A BPF filter the kernel applies before Suricata sees a packet (e.g. <c>not port 22</c>); null for none.</summary>
    public string? CaptureFilter { get; init; }

    /// <summary>How long <c>suricata -T</c> may take (a large ruleset takes long to load).</summary>
    public TimeSpan CheckTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>How long a start may take until the socket answers; then it is taken as hung and started again.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Time between questions on the socket while Suricata runs.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one question on the socket may take.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Unanswered questions in a row after which a running Suricata is taken as hung: killed and started again.</summary>
    public int HungAfter { get; init; } = 3;

    /// <summary>How long a stop waits after SIGTERM before SIGKILL.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The command socket the agent makes Suricata open, always absolute: Suricata takes a relative socket name as one
    /// under its own state directory (<c>/var/run/</c>), where the agent would never find it.
    /// </summary>
    public string SocketPath => Path.Combine(Path.GetFullPath(RuntimeDirectory), "suricata.socket");

    /// <summary>The arguments of a run.</summary>
    public IReadOnlyList<string> RunArguments()
    {
        var arguments = new List<string> { "-c", ConfigFile };
        if (Interfaces.Count == 0)
        {
            arguments.Add("--af-packet");
        }
        else
        {
            arguments.AddRange(Interfaces.Select(i => $"--af-packet={i}"));
        }

        // The agent's own socket, whatever the configuration says: it is how the agent sees Suricata is alive.
        arguments.AddRange(["--set", "unix-command.enabled=yes", "--set", $"unix-command.filename={SocketPath}"]);
        if (LogDirectory is not null)
        {
            arguments.AddRange(["-l", LogDirectory]);
        }

        arguments.AddRange(ExtraArguments);
        if (!string.IsNullOrWhiteSpace(CaptureFilter))
        {
            arguments.Add(CaptureFilter);
        }

        return arguments;
    }

    /// <summary>The arguments of the check before a start: the run's, under <c>-T</c> (configuration and rules loaded, nothing captured).</summary>
    public IReadOnlyList<string> CheckArguments() => ["-T", .. RunArguments()];
}
