using RavenXcope.Gateway.Hosting;
using RavenXcope.ServiceDefaults;

if (args is [RavenXcope.Gateway.OperatorConsole.CreateOperatorCommand.Name, ..])
{
    return await RavenXcope.Gateway.OperatorConsole.CreateOperatorCommand.RunAsync(args[1..]);
}

if (HostCommandLine.FirstStray(args) is { } stray)
{
    await Console.Error.WriteLineAsync($"ravenxcope-gateway: '{stray}' is neither a command ({RavenXcope.Gateway.OperatorConsole.CreateOperatorCommand.Name}) nor a setting (--Key=value)");
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
