using RavenXcope.Gateway.Hosting;
using RavenXcope.ServiceDefaults;

if (args is [RavenXcope.Gateway.OperatorConsole.CreateOperatorCommand.Name, ..])
{
    return await RavenXcope.Gateway.OperatorConsole.CreateOperatorCommand.RunAsync(args[1..]);
}

if (args is ["--help" or "-h" or "-?"])
{
    Console.WriteLine($"""
        ravenxcope-gateway: the operator API and console, enrollment, the sensors' mTLS API and the NATS account resolver.
        Usage:
          ravenxcope-gateway [--Key=value]...   serve; settings come from the environment (PG_DSN, ORLEANS_*, ...) and --Key=value
          ravenxcope-gateway {RavenXcope.Gateway.OperatorConsole.CreateOperatorCommand.Usage}
                                                create a console account (shown once: its password)
        """);
    return 0;
}

if (HostCommandLine.FirstStray(args) is { } stray)
{
    await Console.Error.WriteLineAsync($"ravenxcope-gateway: '{stray}' is neither a command ({RavenXcope.Gateway.OperatorConsole.CreateOperatorCommand.Name}) nor a setting (--Key=value); try --help");
    return 2;
}

try
{
    await using var app = GatewayApplication.Build(args);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (ValidatedOptions.DescribeStartFailure(e) is { } problem)
{
    await Console.Error.WriteLineAsync($"ravenxcope-gateway: configuration error:{Environment.NewLine}{problem}");
    return 2;
}
