using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace RavenXcope.Common.Logging;

/// <summary>
/// The one console log format of every process of ours (silo, gateway, sensor agent, fleet simulator): UTC ISO-8601
/// timestamps, one line per event, as text or JSON (<c>--log-format json</c> or <c>LOG_FORMAT=json</c>), and quiet
/// defaults for the chatty parts of our dependencies.
/// </summary>
public static class ConsoleLog
{
    /// <summary>The environment name every process reads the format from.</summary>
    public const string EnvironmentName = "LOG_FORMAT";

    /// <summary>The configuration key of the format (silo and gateway).</summary>
    public const string ConfigurationKey = "Logging:Format";

    /// <summary>The command-line option of every program.</summary>
    public const string OptionName = "--log-format";

    /// <summary>The values the option and the environment name take.</summary>
    public static readonly IReadOnlyList<string> Values = ["text", "json"];

    /// <summary>The format named by <paramref name="value"/> (case-insensitive), or null when it names none.</summary>
    public static LogFormat? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "text" => LogFormat.Text,
        "json" => LogFormat.Json,
        _ => null,
    };

    /// <summary>
    /// The format a program was asked for: <c>--log-format X</c> (or <c>--log-format=X</c>) among
    /// <paramref name="args"/>, else <see cref="EnvironmentName"/>, else text. A value that names no format counts as
    /// text here; the command-line parser refuses it with a usage error before anything is logged.
    /// </summary>
    public static LogFormat FromArguments(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == OptionName && i + 1 < args.Count)
            {
                return Parse(args[i + 1]) ?? LogFormat.Text;
            }

            if (args[i].StartsWith(OptionName + "=", StringComparison.Ordinal))
            {
                return Parse(args[i][(OptionName.Length + 1)..]) ?? LogFormat.Text;
            }
        }

        return Parse(Environment.GetEnvironmentVariable(EnvironmentName)) ?? LogFormat.Text;
    }

    /// <summary>
    /// Makes the console logger write <paramref name="format"/> (replacing the default formatters' choice) and adds the
    /// quiet defaults. <paramref name="toStandardError"/> sends every line to standard error (for programs whose
    /// standard output is a report).
    /// </summary>
    public static ILoggingBuilder AddRavenXcopeConsole(this ILoggingBuilder logging, LogFormat format, bool toStandardError = false)
    {
        logging.AddConsoleFormatter<TextLogFormatter, ConsoleFormatterOptions>();
        logging.AddConsoleFormatter<JsonLogFormatter, ConsoleFormatterOptions>();
        logging.AddConsole(o =>
        {
            o.FormatterName = format == LogFormat.Json ? JsonLogFormatter.FormatterName : TextLogFormatter.FormatterName;
            if (toStandardError)
            {
                o.LogToStandardErrorThreshold = LogLevel.Trace;
            }
        });

        // Polly, under Orleans' start-up retries, writes an "Execution attempt" warning for every attempt; Orleans
        // itself says when retrying fails for good.
        logging.AddFilter("Polly", LogLevel.Error);

        // The health-check service logs every unhealthy check of every probe (an outage probed every few seconds is
        // a line each time); our health output logs each dependency's change of state once instead.
        logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical);
        return logging;
    }

    /// <summary>A logger factory writing <paramref name="format"/> from <paramref name="minimum"/> up, for programs without a host.</summary>
    public static ILoggerFactory CreateFactory(LogFormat format, LogLevel minimum, bool toStandardError = false) =>
        LoggerFactory.Create(logging => logging.AddRavenXcopeConsole(format, toStandardError).SetMinimumLevel(minimum));
}
