using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RavenXcope.FleetSim;

// Exit codes: 0 steady with nothing lost; 1 not steady (lost, misrouted, offline); 2 usage; 3 the fleet could not be set up.
var envFile = new Option<string?>("--env-file") { Description = "KEY=value file written by scripts/up.sh (.data/up.env): GATEWAY_URL, ENROLL_URL, SENSOR_MTLS_URL, CA_FILE, ADMIN_API_KEY." };
var apiUrl = new Option<string?>("--api-url") { Description = "Operator API base, e.g. http://127.0.0.1:8080 (env GATEWAY_URL)." };
var enrollUrl = new Option<string?>("--enroll-url") { Description = "Enrollment base, e.g. https://127.0.0.1:8443 (env ENROLL_URL)." };
var sensorUrl = new Option<string?>("--sensor-url") { Description = "mTLS sensor API base, e.g. https://127.0.0.1:8444 (env SENSOR_MTLS_URL)." };
var caFile = new Option<string?>("--ca-file") { Description = "The control plane's CA certificate (env CA_FILE)." };
var sensors = new Option<int>("--sensors") { Description = "Virtual sensors (1 to 100000).", DefaultValueFactory = _ => 1000 };
var tenants = new Option<int>("--tenants") { Description = "Tenants the sensors are spread over.", DefaultValueFactory = _ => 1 };
var duration = new Option<double>("--duration") { Description = "Seconds of steady phase (status, heartbeats, commands, faults).", DefaultValueFactory = _ => 60 };
var settle = new Option<double>("--settle-timeout") { Description = "Seconds the end checks may wait for a steady state.", DefaultValueFactory = _ => 90 };
var timeScale = new Option<double>("--time-scale") { Description = "Divides the agents' 30 s status interval and the heartbeat interval the control plane asks for (10: a tenth).", DefaultValueFactory = _ => 1 };
var seed = new Option<int>("--seed") { Description = "Makes targets, command types, failures and fault choices repeatable.", DefaultValueFactory = _ => 1 };
var commands = new Option<int>("--commands") { Description = "Commands submitted through the operator API.", DefaultValueFactory = _ => 1000 };
var failFraction = new Option<double>("--fail-fraction") { Description = "Fraction of commands the stand-in Suricata fails." };
var dropFraction = new Option<double>("--drop-fraction") { Description = "Fraction of sensors whose agent stops and starts again, a third into the run." };
var storm = new Option<bool>("--storm") { Description = "Every agent stops at once halfway through and starts again within 3 s." };
var stateRoot = new Option<string?>("--state-root") { Description = "Where the agents' state directories go (default /dev/shm); removed at the end." };
var agentLog = new Option<LogLevel?>("--agent-log-level") { Description = "Log the agents' messages from this level up to standard error (Warning, Information, …); none by default." };
var tlsName = new Option<string>("--tls-server-name") { Description = "The gateway's name in its certificate, so that reconnecting agents resume TLS sessions ('' for none).", DefaultValueFactory = _ => "localhost" };
var restart = new Option<string[]>("--restart") { Description = "NAME=COMMAND, run (sh -c) two thirds into the run, e.g. nats='scripts/restart-nats.sh'.", AllowMultipleArgumentsPerToken = false };
var watch = new Option<string[]>("--watch") { Description = "NAME=PID of a process whose CPU seconds and peak memory the report gives (repeatable)." };
var json = new Option<string?>("--json") { Description = "Write the JSON report here (default: standard output after the summary)." };
var logFormat = new Option<string?>(RavenXcope.Common.Logging.ConsoleLog.OptionName) { Description = $"Log format on standard error: text or json (default: env {RavenXcope.Common.Logging.ConsoleLog.EnvironmentName}, else text)." };
logFormat.AcceptOnlyFromAmong([.. RavenXcope.Common.Logging.ConsoleLog.Values]);

var root = new RootCommand("ravenxcope-fleetsim: real agents (the agent core of ravenxcope-sensor, with a stand-in Suricata) through the enrollment, mTLS and NATS paths of a local RavenXcope (loopback only). The admin API key comes from ADMIN_API_KEY or --env-file, never the command line.")
{
    envFile, apiUrl, enrollUrl, sensorUrl, caFile, sensors, tenants, duration, settle, timeScale, seed, commands, failFraction, dropFraction, storm, restart, watch, json, stateRoot, tlsName, agentLog, logFormat,
};
root.SetAction(async (result, cancellationToken) =>
{
    var env = new Dictionary<string, string>(StringComparer.Ordinal);
    if (result.GetValue(envFile) is { } file)
    {
        if (!File.Exists(file))
        {
            Console.Error.WriteLine($"ravenxcope-fleetsim: {file} does not exist (start the stack with scripts/up.sh)");
            return 2;
        }

        foreach (var line in File.ReadLines(file).Where(l => l.Contains('=') && !l.StartsWith('#')))
        {
            env[line[..line.IndexOf('=')]] = line[(line.IndexOf('=') + 1)..];
        }
    }

    string? Pick(string? given, string name) => given ?? (env.TryGetValue(name, out var v) ? v : Environment.GetEnvironmentVariable(name));
    var values = new[] { (apiUrl, "GATEWAY_URL"), (enrollUrl, "ENROLL_URL"), (sensorUrl, "SENSOR_MTLS_URL"), (caFile, "CA_FILE") }
        .Select(p => (p.Item2, Value: Pick(result.GetValue(p.Item1), p.Item2))).ToList();
    var adminKey = Pick(null, "ADMIN_API_KEY");
    if (values.FirstOrDefault(v => string.IsNullOrEmpty(v.Value)) is { Item2: not null } missing)
    {
        Console.Error.WriteLine($"ravenxcope-fleetsim: {missing.Item1} is not set (give --env-file .data/up.env or the option)");
        return 2;
    }

    if (string.IsNullOrEmpty(adminKey))
    {
        Console.Error.WriteLine("ravenxcope-fleetsim: ADMIN_API_KEY is not set (give --env-file .data/up.env or the environment variable)");
        return 2;
    }

    var restarts = new Dictionary<string, string>(StringComparer.Ordinal);
    foreach (var pair in result.GetValue(restart) ?? [])
    {
        var at = pair.IndexOf('=');
        if (at <= 0)
        {
            Console.Error.WriteLine($"ravenxcope-fleetsim: --restart wants NAME=COMMAND, not '{pair}'");
            return 2;
        }

        restarts[pair[..at]] = pair[(at + 1)..];
    }

    var watched = new Dictionary<string, int>(StringComparer.Ordinal);
    foreach (var pair in result.GetValue(watch) ?? [])
    {
        var at = pair.IndexOf('=');
        if (at <= 0 || !int.TryParse(pair[(at + 1)..], out var pid))
        {
            Console.Error.WriteLine($"ravenxcope-fleetsim: --watch wants NAME=PID, not '{pair}'");
            return 2;
        }

        watched[pair[..at]] = pid;
    }

    SimOptions options;
    try
    {
        options = new SimOptions
        {
            ApiUrl = new Uri(values[0].Value!),
            EnrollUrl = new Uri(values[1].Value!),
            SensorUrl = new Uri(values[2].Value!),
            CaFile = values[3].Value!,
            AdminKey = adminKey,
            Sensors = result.GetValue(sensors),
            Tenants = result.GetValue(tenants),
            Duration = TimeSpan.FromSeconds(result.GetValue(duration)),
            SettleTimeout = TimeSpan.FromSeconds(result.GetValue(settle)),
            TimeScale = result.GetValue(timeScale),
            Seed = result.GetValue(seed),
            Commands = result.GetValue(commands),
            FailFraction = result.GetValue(failFraction),
            DropFraction = result.GetValue(dropFraction),
            Storm = result.GetValue(storm),
            Restarts = [.. restarts.Keys],
            Watch = watched,
            TlsServerName = result.GetValue(tlsName) is { Length: > 0 } name ? name : null,
        };
        if (result.GetValue(stateRoot) is { } givenRoot)
        {
            options = options with { StateRoot = givenRoot };
        }
    }
    catch (UriFormatException e)
    {
        Console.Error.WriteLine($"ravenxcope-fleetsim: {e.Message}");
        return 2;
    }

    if (options.Validate() is { } invalid)
    {
        Console.Error.WriteLine($"ravenxcope-fleetsim: {invalid}");
        return 2;
    }

    // Standard error, in the format of every log of ours: the simulator's progress lines always, the agents' from
    // --agent-log-level on (none by default: a thousand agents say a lot). Standard output is the report.
    var format = RavenXcope.Common.Logging.ConsoleLog.Parse(result.GetValue(logFormat)) ?? RavenXcope.Common.Logging.ConsoleLog.FromArguments([]);
    using var loggers = RavenXcope.Common.Logging.ConsoleLog.CreateFactory(format, LogLevel.Information, toStandardError: true);
    using var agentLoggers = RavenXcope.Common.Logging.ConsoleLog.CreateFactory(format, result.GetValue(agentLog) ?? LogLevel.None, toStandardError: true);
    using var progress = new LogLineWriter(loggers.CreateLogger("RavenXcope.FleetSim"));
    var simulator = new FleetSimulator(options, progress, agentLoggers)
    {
        FaultHook = async (name, ct) =>
        {
            using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", restarts[name]])) ?? throw new InvalidOperationException("sh did not start");
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"the restart command exited {process.ExitCode}");
            }
        },
    };

    SimReport report;
    try
    {
        report = await simulator.RunAsync(cancellationToken);
    }
    catch (Exception e) when (e is SimulationFailedException or HttpRequestException)
    {
        // An operator API that does not answer (the stack is not up) is a failed setup too, not a crash.
        progress.Failed($"fleetsim: setup failed: {e.Message}");
        return 3;
    }

    var document = JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true, IncludeFields = true });
    Console.Error.Write(report.Summary());
    if (result.GetValue(json) is { } path)
    {
        await File.WriteAllTextAsync(path, document, cancellationToken);
    }
    else
    {
        Console.WriteLine(document);
    }

    return report.Steady ? 0 : 1;
});

return await root.Parse(args).InvokeAsync();
