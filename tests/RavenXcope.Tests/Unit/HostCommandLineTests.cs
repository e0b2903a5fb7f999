using RavenXcope.ServiceDefaults;

namespace RavenXcope.Tests.Unit;

/// <summary>The tokens a silo or gateway takes as settings, and the first it must refuse rather than ignore.</summary>
public sealed class HostCommandLineTests
{
    // Each case is the command line's tokens, separated by spaces.
    [Theory]
    [InlineData("")]
    [InlineData("--Orleans:ClusterId=dev")]
    [InlineData("--Orleans:ClusterId dev --urls http://127.0.0.1:1")]
    [InlineData("/Logging:LogLevel:Default Debug")]
    [InlineData("Nats:Url=nats://127.0.0.1:4222")]
    [InlineData("--Key value-without-equals")]
    public void Settings_are_not_stray(string line) => Assert.Null(HostCommandLine.FirstStray(Tokens(line)));

    [Theory]
    [InlineData("verify-adit", "verify-adit")]
    [InlineData("--Key=value migrat", "migrat")]
    [InlineData("--Key value creat-operator", "creat-operator")]
    [InlineData("-v", "-v")]
    public void The_first_token_that_is_no_setting_is_named(string line, string stray) => Assert.Equal(stray, HostCommandLine.FirstStray(Tokens(line)));

    private static string[] Tokens(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
