using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RavenXcope.Agent;
using RavenXcope.Agent.Supervision;
using RavenXcope.Common.Logging;
using RavenXcope.SensorAgent;

// The log format is known before the commands run (they log from their first step on); the option below declares it.
using var loggerFactory = ConsoleLog.CreateFactory(ConsoleLog.FromArguments(args), LogLevel.Information);
var logFormatOption = new Option<string?>(ConsoleLog.OptionName)
{
    Description = $"Log format: text (one line per event) or json (one object per line); default: env {ConsoleLog.EnvironmentName}, else text.",
    Recursive = true,
};
logFormatOption.AcceptOnlyFromAmong([.. ConsoleLog.Values]);

var stateDirOption = new Option<string>("--state-dir")
{
    Description = "Where the key, certificates and trust record live (env RXC_STATE_DIR).",
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("RXC_STATE_DIR") is { Length: > 0 } fromEnv ? fromEnv : "/var/lib/ravenxcope-sensor",
};

var codeOption = new Option<string>("--code") { Description = "The claim code the operator handed out.", Required = true };
var urlOption = new Option<string>("--url") { Description = "Enrollment URL of the gateway, e.g. https://control.example:8443.", Required = true };
var caFileOption = new Option<string?>("--ca-file") { Description = "PEM file of the control plane's CA, to verify the gateway." };
var enroll = new Command("enroll", "Enroll this host with a claim code: the key is made here and never leaves it.") { codeOption, urlOption, caFileOption, stateDirOption };
enroll.SetAction((result, cancellationToken) =>
{
    if (!Uri.TryCreate(result.GetValue(urlOption), UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
    {
        Console.Error.WriteLine("ravenxcope-sensor enroll: --url must be an https:// URL");
        return Task.FromResult(ExitCodes.Usage);
    }

    return EnrollAsync(result.GetValue(codeOption)!, url, result.GetValue(caFileOption), new StateDirectory(result.GetValue(stateDirOption)!), cancellationToken);
});

var sensorUrlOption = new Option<string?>("--sensor-url") { Description = "Override the mTLS sensor API URL recorded at enrollment." };
var suricataOption = new Option<string>("--suricata-command")
{
    Description = "Command line that runs Suricata in the foreground (env RXC_SURICATA_COMMAND).",
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("RXC_SURICATA_COMMAND") is { Length: > 0 } fromEnv
        ? fromEnv
        : "suricata -c /etc/suricata/suricata.yaml --af-packet",
};
var statusIntervalOption = new Option<int>("--status-interval")
{
    Description = "Seconds between status messages when nothing changes.",
    DefaultValueFactory = _ => 10,
};
var tlsNameOption = new Option<string?>("--tls-server-name")
{
    Description = "The gateway's DNS name in its certificate, when the sensor URL is an IP address: names the server for TLS, so that a reconnect resumes the TLS session.",
};
var run = new Command("run", "Heartbeat and renew over mTLS, take commands over NATS and supervise Suricata, until stopped (SIGTERM) or revoked.")
{
    stateDirOption, sensorUrlOption, suricataOption, statusIntervalOption, tlsNameOption,
};
run.SetAction((result, cancellationToken) =>
{
    Uri? sensorUrl = null;
    if (result.GetValue(sensorUrlOption) is { } given && (!Uri.TryCreate(given, UriKind.Absolute, out sensorUrl) || sensorUrl.Scheme != Uri.UriSchemeHttps))
    {
        Console.Error.WriteLine("ravenxcope-sensor run: --sensor-url must be an https:// URL");
        return Task.FromResult(ExitCodes.Usage);
    }

    var options = new AgentOptions
    {
        StateDirectory = result.GetValue(stateDirOption)!,
        SensorUrl = sensorUrl,
        StatusInterval = TimeSpan.FromSeconds(Math.Clamp(result.GetValue(statusIntervalOption), 1, 300)),
        TlsServerName = result.GetValue(tlsNameOption),
    };
    return RunAgentAsync(options, result.GetValue(suricataOption)!, cancellationToken);
});

var status = new Command("status", "Print the local trust record (sensor-state.json).") { stateDirOption };
status.SetAction(result =>
{
    var directory = new StateDirectory(result.GetValue(stateDirOption)!);
    var state = directory.SafeLoad();
    if (state is null)
    {
        Console.Error.WriteLine($"not enrolled: no complete trust record in {directory.Path}");
        return ExitCodes.NotEnrolled;
    }

    Console.WriteLine(JsonSerializer.Serialize(state, new JsonSerializerOptions { WriteIndented = true }));
    return state.TrustState == "trust_revoked" ? ExitCodes.Revoked : ExitCodes.Ok;
});

var version = new Command("version", "Print the agent version.");
version.SetAction(_ =>
{
    Console.WriteLine($"ravenxcope-sensor {HostInfo.Version}");
    return ExitCodes.Ok;
});

async Task<int> EnrollAsync(string code, Uri url, string? caFile, StateDirectory directory, CancellationToken cancellationToken) =>
    ExitCodes.Of(await new Enrollment(loggerFactory.CreateLogger<Enrollment>()).RunAsync(code, url, caFile, directory, cancellationToken));

async Task<int> RunAgentAsync(AgentOptions options, string suricataCommand, CancellationToken cancellationToken)
{
    var launcher = new Launcher(suricataCommand, loggerFactory.CreateLogger<Launcher>());
    await using var supervisor = new Supervisor(launcher, loggerFactory.CreateLogger<Supervisor>(), new StateDirectory(options.StateDirectory).DesiredStateFile);
    await supervisor.RestoreAsync();
    return ExitCodes.Of(await new AgentRunner(options, supervisor, loggerFactory).RunAsync(cancellationToken));
}

var root = new RootCommand("RavenXcope sensor agent: enrolls this host and keeps its trust with the control plane.")
{
    enroll, run, status, version,
};
root.Options.Add(logFormatOption);
return await root.Parse(args).InvokeAsync();
