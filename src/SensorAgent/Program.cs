using System.CommandLine;
using Microsoft.Extensions.Logging;
using RavenXcope.Agent;
using RavenXcope.Agent.Supervision;
using RavenXcope.Common.Logging;
using RavenXcope.SensorAgent;
using RavenXcope.SensorAgent.Cli;

// The log format is known before the commands run (they log from their first step on); the option below declares it.
using var loggerFactory = ConsoleLog.CreateFactory(ConsoleLog.FromArguments(args), LogLevel.Information);
var logFormatOption = new Option<string?>(ConsoleLog.OptionName)
{
    Description = $"Log format: text (one line per event) or json (one object per line); default: env {ConsoleLog.EnvironmentName}, else text.",
    Recursive = true,
};
logFormatOption.AcceptOnlyFromAmong([.. ConsoleLog.Values]);

var version = new Command("version", "Print the agent version.");
version.SetAction(_ =>
{
    Console.WriteLine($"ravenxcope-sensor {HostInfo.Version}");
    return ExitCodes.Ok;
});

var root = new RootCommand($"""
    RavenXcope sensor agent: joins this host to the control plane and runs Suricata under its control.
      ravenxcope-sensor enroll --url https://<gateway>:8443 --code <claim code> [--install]
      ravenxcope-sensor run
      ravenxcope-sensor status
    Exit codes: {ExitCodes.Describe()}
    """)
{
    EnrollCommand.Create(loggerFactory), RunCommand.Create(loggerFactory), StatusCommand.Create(), version,
};
root.Options.Add(logFormatOption);
return await root.Parse(args).InvokeAsync();
