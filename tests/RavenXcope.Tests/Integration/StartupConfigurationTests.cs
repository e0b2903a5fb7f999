namespace RavenXcope.Tests.Integration;

/// <summary>The real programs stop at start on a bad setting, with exit code 2 and a message that names the key.</summary>
public sealed class StartupConfigurationTests
{
    // Shaped like a real address but never reached: each bad value is refused before the database is asked.
    private const string UnreachableDatabase = "Host=127.0.0.1;Port=1;Username=nobody;Database=none";

    [Fact]
    public async Task The_silo_stops_on_a_port_out_of_range_and_names_its_environment_name()
    {
        var (exit, output) = await ServiceProcess.RunAsync(ServiceProcess.Program("Silo", "ravenxcope-silo"), [], new Dictionary<string, string>
        {
            ["PG_DSN"] = UnreachableDatabase,
            ["SILO_PORT"] = "70000",
        });

        Assert.True(exit == 2, $"exit {exit}: {output}");
        Assert.Contains("configuration error", output, StringComparison.Ordinal);
        Assert.Contains("Cluster:SiloPort (environment SILO_PORT or Cluster__SiloPort)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gateway_stops_on_a_port_that_is_no_number_and_names_its_environment_name_not_its_value()
    {
        var (exit, output) = await ServiceProcess.RunAsync(ServiceProcess.Program("Gateway", "ravenxcope-gateway"), [], new Dictionary<string, string>
        {
            ["PG_DSN"] = UnreachableDatabase,
            ["GATEWAY_HTTP_PORT"] = "http-port-typo",
        });

        Assert.True(exit == 2, $"exit {exit}: {output}");
        Assert.Contains("configuration error", output, StringComparison.Ordinal);
        Assert.Contains("Gateway:HttpPort (environment GATEWAY_HTTP_PORT or Gateway__HttpPort)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("http-port-typo", output, StringComparison.Ordinal);
    }
}
