namespace RavenXcope.TestSupport;

/// <summary>
/// What scripts/test.sh provides to the tests. A missing value is a failure that says how to get it,
/// never a silent skip.
/// </summary>
public static class TestEnvironment
{
    /// <summary>Connection string of the private PostgreSQL (maintenance database).</summary>
    public static string PostgresAdmin => Require(
        "RXC_TEST_PG",
        "a PostgreSQL server for the integration tests: run scripts/test.sh, which installs PostgreSQL if needed and starts a private one on 127.0.0.1");

    /// <summary>The folder holding the npm packages of tests/interop.</summary>
    public static string InteropDirectory => Require(
        "RXC_INTEROP_DIR",
        "the official NATS JavaScript packages: run scripts/test.sh, which installs them with 'npm ci' in tests/interop");

    /// <summary>Where tests leave files for a person to look at (screenshots).</summary>
    public static string ArtifactsDirectory => Directory.CreateDirectory(Require(
        "RXC_TEST_ARTIFACTS",
        "a folder for test artifacts such as screenshots: scripts/test.sh sets it to artifacts/ in the repository")).FullName;

    /// <summary>Debian's Chromium, for the browser tests.</summary>
    public static string Chromium
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("RXC_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"{path} is missing. The browser tests need Chromium: run scripts/test.sh, which installs it (apt-get install chromium), or set RXC_CHROMIUM.");
            }

            return path;
        }
    }

    /// <summary>Suricata 7, for the tests that supervise the real program.</summary>
    public static string Suricata
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("RXC_SURICATA") is { Length: > 0 } configured ? configured : "/usr/bin/suricata";
            if (!File.Exists(path) || !File.Exists("/etc/suricata/suricata.yaml"))
            {
                throw new InvalidOperationException(
                    $"{path} or /etc/suricata/suricata.yaml is missing. The Suricata tests need Suricata 7: run scripts/test.sh, which installs it as root " +
                    "(Debian 12: add 'deb http://deb.debian.org/debian bookworm-backports main' to apt's sources, then apt-get install -t bookworm-backports suricata), or set RXC_SURICATA.");
            }

            // Suricata captures on lo with AF_PACKET: without these capabilities it starts, then fails to open the
            // socket, and every test on it would fail far from the reason.
            if (!HasCapabilities(NetAdminAndNetRaw))
            {
                throw new InvalidOperationException(
                    "The Suricata tests capture packets on lo, which needs CAP_NET_RAW and CAP_NET_ADMIN: run scripts/test.sh as root.");
            }

            return path;
        }
    }

    // CAP_NET_ADMIN (12) and CAP_NET_RAW (13).
    private const ulong NetAdminAndNetRaw = (1UL << 12) | (1UL << 13);

    private static bool HasCapabilities(ulong wanted)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line["CapEff:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var effective)
            && (effective & wanted) == wanted;
    }

    private static string Require(string name, string what)
    {
        var value = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"{name} is not set. This test needs {what}.");
        }

        return value;
    }
}
