using Microsoft.AspNetCore.Builder;
using RavenXcope.Common.Logging;

namespace RavenXcope.ServiceDefaults;

/// <summary>The silo's and the gateway's console log: the one format of every process of ours (<see cref="ConsoleLog"/>).</summary>
public static class HostLogging
{
    /// <summary>The key the command line's <c>--log-format X</c> sets.</summary>
    public const string CommandLineKey = "log-format";

    /// <summary>
    /// Writes the console log in the format of <c>Logging:Format</c> (<c>LOG_FORMAT</c>) or <c>--log-format</c>: text
    /// (the default) or json.
    /// </summary>
    /// <exception cref="InvalidConfigurationException">The format is neither.</exception>
    public static WebApplicationBuilder AddRavenXcopeLogging(this WebApplicationBuilder builder)
    {
        var value = builder.Configuration[CommandLineKey] ?? builder.Configuration[ConsoleLog.ConfigurationKey];
        var format = string.IsNullOrWhiteSpace(value)
            ? LogFormat.Text
            : ConsoleLog.Parse(value) ?? throw new InvalidConfigurationException(
                $"{EnvironmentNames.Describe(ConsoleLog.ConfigurationKey)} or {ConsoleLog.OptionName}: must be {string.Join(" or ", ConsoleLog.Values)}");
        builder.Logging.AddRavenXcopeConsole(format);
        return builder;
    }
}
