using System.CommandLine;
using Microsoft.Extensions.Logging;
using RavenXcope.Agent;
using RavenXcope.Agent.Suricata;
using RavenXcope.Agent.Supervision;

namespace RavenXcope.SensorAgent.Cli;

/// <summary><c>ravenxcope-sensor run</c>: heartbeat, renew, take commands and supervise Suricata until stopped or revoked.</summary>
internal static class RunCommand
{
    public static Command Create(ILoggerFactory loggers)
    {
        var stateDir = AgentOptionsCli.StateDir();
        var runtimeDir = AgentOptionsCli.RuntimeDir();
        var sensorUrl = new Option<string?>("--sensor-url") { Description = "Override the mTLS sensor API URL recorded at enrollment." };
        var suricata = new Option<string>("--suricata")
        {
            Description = "The Suricata program (env RXC_SURICATA).",
            DefaultValueFactory = _ => AgentOptionsCli.Env("RXC_SURICATA") ?? "suricata",
        };
        var config = new Option<string>("--suricata-config")
        {
            Description = "Suricata's configuration (env RXC_SURICATA_CONFIG).",
            DefaultValueFactory = _ => AgentOptionsCli.Env("RXC_SURICATA_CONFIG") ?? "/etc/suricata/suricata.yaml",
        };
        var interfaces = new Option<string[]>("--interface")
        {
            Description = "An interface to capture on with AF_PACKET, once per interface (env RXC_INTERFACES, comma-separated); none: the configuration's af-packet interfaces.",
            DefaultValueFactory = _ => AgentOptionsCli.EnvList("RXC_INTERFACES"),
            Arity = ArgumentArity.ZeroOrMore,
        };
        var logDir = new Option<string?>("--suricata-log-dir")
        {
            Description = "Suricata's log directory, -l (env RXC_SURICATA_LOG_DIR); default: the configuration's.",
            DefaultValueFactory = _ => AgentOptionsCli.Env("RXC_SURICATA_LOG_DIR"),
        };
        var extra = new Option<string[]>("--suricata-arg")
        {
            Description = "An argument given to Suricata as it is, once per argument (env RXC_SURICATA_ARGS, space-separated), e.g. -S /etc/ravenxcope/local.rules.",
            DefaultValueFactory = _ => AgentOptionsCli.EnvList("RXC_SURICATA_ARGS"),
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var filter = new Option<string?>("--capture-filter")
        {
            Description = "A BPF filter the kernel applies before Suricata sees a packet (env RXC_CAPTURE_FILTER), e.g. 'not port 22'.",
            DefaultValueFactory = _ => AgentOptionsCli.Env("RXC_CAPTURE_FILTER"),
        };
        var command = new Option<string?>("--suricata-command")
        {
            Description = "Instead of Suricata, run this command line in the foreground (env RXC_SURICATA_COMMAND): a wrapper or a stand-in; it is neither checked nor asked how it is.",
            DefaultValueFactory = _ => AgentOptionsCli.Env("RXC_SURICATA_COMMAND"),
        };
        var statusInterval = new Option<int>("--status-interval") { Description = "Seconds between status messages when nothing changes.", DefaultValueFactory = _ => 10 };
        var tlsName = new Option<string?>("--tls-server-name")
        {
            Description = "The gateway's DNS name in its certificate, when the sensor URL is an IP address: names the server for TLS, so that a reconnect resumes the TLS session.",
        };
        var run = new Command("run", "Heartbeat and renew over mTLS, take commands over NATS and supervise Suricata, until stopped (SIGTERM) or revoked.")
        {
            stateDir, runtimeDir, sensorUrl, suricata, config, interfaces, logDir, extra, filter, command, statusInterval, tlsName,
        };
        run.SetAction((result, cancellationToken) =>
        {
            Uri? url = null;
            if (result.GetValue(sensorUrl) is { } given && (!Uri.TryCreate(given, UriKind.Absolute, out url) || url.Scheme != Uri.UriSchemeHttps))
            {
                Console.Error.WriteLine("ravenxcope-sensor run: --sensor-url must be an https:// URL");
                return Task.FromResult(ExitCodes.Usage);
            }

            var state = result.GetValue(stateDir)!;
            var runtime = AgentOptionsCli.ResolveRuntimeDir(result.GetValue(runtimeDir), state);
            IEngineProgram program = result.GetValue(command) is { Length: > 0 } commandLine
                ? new CommandLineProgram(commandLine)
                : new SuricataProgram(new SuricataOptions
                {
                    Program = result.GetValue(suricata)!,
                    ConfigFile = result.GetValue(config)!,
                    Interfaces = result.GetValue(interfaces) ?? [],
                    RuntimeDirectory = runtime,
                    LogDirectory = result.GetValue(logDir),
                    ExtraArguments = result.GetValue(extra) ?? [],
                    CaptureFilter = result.GetValue(filter),
                });
            var options = new AgentOptions
            {
                StateDirectory = state,
                RuntimeDirectory = runtime,
                SensorUrl = url,
                StatusInterval = TimeSpan.FromSeconds(Math.Clamp(result.GetValue(statusInterval), 1, 300)),
                TlsServerName = result.GetValue(tlsName),
            };
            return RunAsync(options, program, loggers, cancellationToken);
        });
        return run;
    }

    private static async Task<int> RunAsync(AgentOptions options, IEngineProgram program, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var supervisor = new Supervisor(program, loggers.CreateLogger<Supervisor>(), new StateDirectory(options.StateDirectory).DesiredStateFile);
        var live = new LiveStatusWriter(options.RuntimeDirectory!, supervisor);

        // Suricata comes back (when it was meant to run) while the agent already heartbeats: a start that loads a large
        // ruleset must not keep the sensor silent. Commands wait for it, in order.
        var restoring = supervisor.RestoreAsync();
        try
        {
            return ExitCodes.Of(await new AgentRunner(options, supervisor, loggers, observer: live).RunAsync(cancellationToken));
        }
        finally
        {
            await live.DisposeAsync();

            // Stops Suricata, and a start still in progress with it.
            await supervisor.DisposeAsync();
            try
            {
                await restoring;
            }
            catch (Exception e) when (e is OperationCanceledException or SuricataSocketException)
            {
            }
        }
    }
}
