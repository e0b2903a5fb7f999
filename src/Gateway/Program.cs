using RavenXcope.Gateway.Hosting;
using RavenXcope.ServiceDefaults;

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
