using System.CommandLine;
using Microsoft.Extensions.Logging;
using RavenXcope.Agent;
using RavenXcope.SensorAgent;
using RavenXcope.SensorAgent.Cli;

using var loggerFactory = LoggerFactory.Create(logging => logging
    .AddSimpleConsole(o =>
    {
        o.SingleLine = true;
        o.TimestampFormat = "yyyy-MM-ddTHH:mm:ssZ ";
        o.UseUtcTimestamp = true;
    })
    .SetMinimumLevel(LogLevel.Information));

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
return await root.Parse(args).InvokeAsync();
