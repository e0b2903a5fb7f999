using RavenXcope.Agent.Suricata;

namespace RavenXcope.Agent.Tests;

/// <summary>What the agent takes from Suricata's output as the reason a start failed, and the command line it builds.</summary>
public sealed class SuricataOutputTests
{
    [Fact]
    public void Errors_are_taken_as_suricata_printed_them_without_a_terminal()
    {
        string[] printed =
        [
            "i: suricata: This is Suricata version 7.0.10 RELEASE running in SYSTEM mode",
            "Error: conf-yaml-loader: ERROR: Invalid configuration file.",
            "Error: conf-yaml-loader: The configuration file must begin with the following two lines: %YAML 1.1 and ---",
        ];

        Assert.Equal(
            "conf-yaml-loader: ERROR: Invalid configuration file.; conf-yaml-loader: The configuration file must begin with the following two lines: %YAML 1.1 and ---",
            SuricataProgram.Explain(printed));
    }

    [Fact]
    public void Without_an_error_the_warnings_say_why_and_without_either_the_last_lines_do()
    {
        Assert.StartsWith(
            "detect: No rule files match the pattern /var/lib/suricata/rules/suricata.rules;",
            SuricataProgram.Explain(["i: suricata: This is Suricata version 7.0.10 RELEASE running in SYSTEM mode", "W: detect: No rule files match the pattern /var/lib/suricata/rules/suricata.rules"]),
            StringComparison.Ordinal);
        Assert.Equal("b; c; d", SuricataProgram.Explain(["a", "b", "", "c", "d"]));
        Assert.Equal("it printed nothing", SuricataProgram.Explain([]));
    }

    [Fact]
    public void A_suricata_without_rules_is_told_how_to_get_them()
    {
        // Debian's configuration names the rule file suricata-update writes, which a fresh host does not have yet.
        var reason = SuricataProgram.Explain(["E: detect: No rule files match the pattern /var/lib/suricata/rules/suricata.rules"]);
        Assert.StartsWith("detect: No rule files match the pattern /var/lib/suricata/rules/suricata.rules; ", reason, StringComparison.Ordinal);
        Assert.Contains("suricata-update", reason, StringComparison.Ordinal);
        Assert.Contains("--suricata-arg=-S --suricata-arg=", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("suricata-update", SuricataProgram.Explain(["E: conf-yaml-loader: Invalid configuration file."]), StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_line_names_the_config_the_interfaces_and_the_agents_own_socket()
    {
        var options = new SuricataOptions { RuntimeDirectory = "/run/ravenxcope-sensor", Interfaces = ["eth1", "eth2"], LogDirectory = "/var/log/ravenxcope-sensor", ExtraArguments = ["-S", "/etc/r.rules"], CaptureFilter = "not port 22" };

        Assert.Equal(
            ["-c", "/etc/suricata/suricata.yaml", "--af-packet=eth1", "--af-packet=eth2", "--set", "unix-command.enabled=yes", "--set", "unix-command.filename=/run/ravenxcope-sensor/suricata.socket",
             "-l", "/var/log/ravenxcope-sensor", "-S", "/etc/r.rules", "not port 22"],
            options.RunArguments());
        Assert.Equal("-T", options.CheckArguments()[0]);
        Assert.Equal(["-c", "/etc/suricata/suricata.yaml", "--af-packet"], new SuricataOptions { RuntimeDirectory = "/r" }.RunArguments().Take(3));
    }

    [Fact]
    public void A_relative_runtime_directory_gives_suricata_an_absolute_socket_path()
    {
        var options = new SuricataOptions { RuntimeDirectory = ".data/sensors/edge-1/run" };

        Assert.Equal(Path.Combine(Environment.CurrentDirectory, ".data/sensors/edge-1/run", "suricata.socket"), options.SocketPath);
        Assert.Contains($"unix-command.filename={options.SocketPath}", options.RunArguments());
    }
}
