using System.Net;
using System.Net.Sockets;
using RavenXcope.Agent.Suricata;

namespace RavenXcope.Tests.Suricata;

/// <summary>Tests that run the real Suricata on the loopback interface run one at a time (each captures on lo).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SuricataCollection
{
    /// <summary>Collection name.</summary>
    public const string Name = "suricata";
}

/// <summary>
/// A private setting for the real Suricata 7 (the Debian package's configuration): a rules file of its own, its logs and
/// command socket in a short temporary directory, capturing on <c>lo</c> only the UDP port it was given (the kernel's
/// BPF filter keeps the rest of the machine's loopback traffic away from it), and a way to send it packets.
/// </summary>
public sealed class RealSuricata : IDisposable
{
    /// <summary>One rule, so that the ruleset stats have something to count.</summary>
    public const string Rule = """alert udp any any -> any any (msg:"ravenxcope test"; content:"ravenxcope"; sid:9000001; rev:1;)""";

    private RealSuricata(string directory, int port)
    {
        Directory = directory;
        Port = port;
        File.WriteAllText(RulesFile, Rule + "\n");
        System.IO.Directory.CreateDirectory(LogDirectory);
    }

    /// <summary>The temporary directory (runtime directory, logs, rules).</summary>
    public string Directory { get; }

    /// <summary>The UDP port Suricata captures.</summary>
    public int Port { get; }

    /// <summary>The rules file.</summary>
    public string RulesFile => Path.Combine(Directory, "local.rules");

    /// <summary>Suricata's log directory.</summary>
    public string LogDirectory => Path.Combine(Directory, "log");

    /// <summary>The runtime directory (the command socket).</summary>
    public string RuntimeDirectory => Path.Combine(Directory, "run");

    /// <summary>A new setting in a directory of its own.</summary>
    public static RealSuricata Create()
    {
        _ = TestEnvironment.Suricata;

        // Short: a unix socket's path has room for 107 bytes.
        var directory = System.IO.Directory.CreateTempSubdirectory("rxc-s").FullName;
        return new RealSuricata(directory, FreePort.Next());
    }

    /// <summary>A new setting in <paramref name="directory"/> (made here; removed with whatever holds it).</summary>
    public static RealSuricata In(string directory)
    {
        _ = TestEnvironment.Suricata;
        System.IO.Directory.CreateDirectory(directory);
        return new RealSuricata(directory, FreePort.Next());
    }

    /// <summary>The options that run it: the package's configuration on lo, with the rules and filter above.</summary>
    public SuricataOptions Options(string? config = null) => new()
    {
        Program = TestEnvironment.Suricata,
        ConfigFile = config ?? "/etc/suricata/suricata.yaml",
        Interfaces = ["lo"],
        RuntimeDirectory = RuntimeDirectory,
        LogDirectory = LogDirectory,
        ExtraArguments = ["-S", RulesFile],
        CaptureFilter = $"udp port {Port}",
        ProbeInterval = TimeSpan.FromMilliseconds(500),
        ProbeTimeout = TimeSpan.FromSeconds(2),
        HungAfter = 2,
        StartTimeout = TimeSpan.FromSeconds(60),
        StopGrace = TimeSpan.FromSeconds(15),
    };

    /// <summary>The same options as command-line arguments of <c>ravenxcope-sensor run</c>.</summary>
    public string[] RunArguments(string? config = null) =>
    [
        "--suricata", TestEnvironment.Suricata, "--suricata-config", config ?? "/etc/suricata/suricata.yaml", "--interface", "lo",
        "--runtime-dir", RuntimeDirectory, "--suricata-log-dir", LogDirectory, "--suricata-arg=-S", $"--suricata-arg={RulesFile}",
        "--capture-filter", $"udp port {Port}",
    ];

    /// <summary>A configuration file Suricata refuses (not YAML as it wants it).</summary>
    public string BrokenConfig()
    {
        var path = Path.Combine(Directory, "broken.yaml");
        File.WriteAllText(path, "this: is not: a suricata configuration\n");
        return path;
    }

    /// <summary>Sends <paramref name="count"/> UDP datagrams to the captured port on 127.0.0.1.</summary>
    public void SendPackets(int count)
    {
        using var udp = new UdpClient();
        var payload = "ravenxcope test packet"u8.ToArray();
        for (var i = 0; i < count; i++)
        {
            udp.Send(payload, payload.Length, new IPEndPoint(IPAddress.Loopback, Port));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A Suricata that a failed test left running may still write here; the temporary folder is cleaned later.
        }
    }
}
