using System.CommandLine;
using System.Reflection;

// The agent's enroll, run and status commands arrive with the trust and control-bus work; this build
// only identifies itself.
var root = new RootCommand("RavenXcope sensor agent: enrolls this host and supervises Suricata.");
var version = new Command("version", "Print the agent version.");
version.SetAction(_ =>
{
    var informational = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
    Console.WriteLine($"ravenxcope-sensor {informational}");
    return 0;
});
root.Subcommands.Add(version);
return await root.Parse(args).InvokeAsync();
