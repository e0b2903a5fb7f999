using RavenXcope.Gateway.Hosting;
using RavenXcope.ServiceDefaults;

if (args is [RavenXcope.Gateway.OperatorConsole.CreateOperatorCommand.Name, ..])
{
    return await RavenXcope.Gateway.OperatorConsole.CreateOperatorCommand.RunAsync(args[1..]);
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
