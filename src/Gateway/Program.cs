using RavenXcope.Gateway.Hosting;
using RavenXcope.ServiceDefaults;

try
{
    await using var app = GatewayApplication.Build(args);
    await app.RunAsync();
    return 0;
}
catch (InvalidConfigurationException e)
{
    await Console.Error.WriteLineAsync($"ravenxcope-gateway: configuration error:{Environment.NewLine}{e.Message}");
    return 2;
}
