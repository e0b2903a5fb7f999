using System.Net;

namespace RavenXcope.FleetSim;

/// <summary>What one simulator run does. Every URL must be loopback.</summary>
public sealed record SimOptions
{
    /// <summary>Operator API base (http://127.0.0.1:8080).</summary>
    public required Uri ApiUrl { get; init; }

    /// <summary>Enrollment base (https://127.0.0.1:8443).</summary>
    public required Uri EnrollUrl { get; init; }

    /// <summary>mTLS sensor API base (https://127.0.0.1:8444).</summary>
    public required Uri SensorUrl { get; init; }

    /// <summary>The control plane's CA certificate (PEM file).</summary>
    public required string CaFile { get; init; }

    /// <summary>An admin API key (never printed).</summary>
    public required string AdminKey { get; init; }

    /// <summary>Virtual sensors.</summary>
    public int Sensors { get; init; } = 1000;

    /// <summary>Tenants the sensors are spread over.</summary>
    public int Tenants { get; init; } = 1;

    /// <summary>How long the steady phase (status, heartbeats, commands, faults) lasts.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the end checks may wait for a steady state.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Divides the agents' 30 s status interval and the heartbeat interval the control plane asks for.</summary>
    public double TimeScale { get; init; } = 1;

    /// <summary>Makes the run repeatable (ids, command targets, failures, fault choices).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Commands submitted through the operator API during the steady phase.</summary>
    public int Commands { get; init; } = 1000;

    /// <summary>Fraction of commands the stand-in Suricata fails.</summary>
    public double FailFraction { get; init; }

    /// <summary>Fraction of sensors whose agent stops and starts again, a third into the steady phase.</summary>
    public double DropFraction { get; init; }

    /// <summary>Every agent stops at once halfway through, and starts again within 3 s.</summary>
    public bool Storm { get; init; }

    /// <summary>Restarts asked for two thirds into the steady phase (names, e.g. nats, postgres), run by <see cref="FleetSimulator.FaultHook"/>.</summary>
    public IReadOnlyList<string> Restarts { get; init; } = [];

    /// <summary>Enrollments (and other setup calls, and agents starting) in flight at once.</summary>
    public int SetupConcurrency { get; init; } = 32;

    /// <summary>Processes whose CPU seconds and peak memory the report gives, by name.</summary>
    public IReadOnlyDictionary<string, int> Watch { get; init; } = new Dictionary<string, int>();

    /// <summary>Prefix of the tenant ids of this run (default: from the seed and the clock).</summary>
    public string? RunId { get; init; }

    /// <summary>
    /// Where the agents' state directories go, one per sensor (removed at the end): memory by default, so that
    /// thousands of agents flushing their files to disk measure the disk and not the control plane.
    /// </summary>
    public string StateRoot { get; init; } = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();

    /// <summary>
    /// The gateway's name in its certificate, given to the agents because the sensor URL is a loopback address: with
    /// a name, a reconnecting agent resumes its TLS session. Null: the address, and full handshakes.
    /// </summary>
    public string? TlsServerName { get; init; } = "localhost";

    /// <summary>30 s, scaled.</summary>
    public TimeSpan Interval => TimeSpan.FromSeconds(30 / TimeScale);

    /// <summary>Refuses anything but loopback and numbers out of range; returns the first problem.</summary>
    public string? Validate()
    {
        foreach (var (name, url) in new[] { ("api-url", ApiUrl), ("enroll-url", EnrollUrl), ("sensor-url", SensorUrl) })
        {
            if (!IsLoopback(url))
            {
                return $"--{name} {url} is not a loopback address: the simulator runs against a local stack only";
            }
        }

        if (Sensors is < 1 or > 100_000)
        {
            return "--sensors must be between 1 and 100000";
        }

        if (Tenants < 1 || Tenants > Sensors)
        {
            return "--tenants must be between 1 and the number of sensors";
        }

        if (TimeScale is <= 0 or > 1000)
        {
            return "--time-scale must be above 0 and at most 1000";
        }

        if (FailFraction is < 0 or > 1 || DropFraction is < 0 or > 1)
        {
            return "fractions must be between 0 and 1";
        }

        if (Duration <= TimeSpan.Zero || Commands < 0)
        {
            return "--duration must be positive and --commands not negative";
        }

        return null;
    }

    /// <summary>True for 127.0.0.0/8, ::1 and localhost.</summary>
    public static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
