using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace RavenXcope.Common.Logging;

/// <summary>What the text and JSON formats share: the timestamp, the level names and how an exception is told.</summary>
internal static class LogLine
{
    /// <summary>The current time, UTC, ISO-8601 with milliseconds.</summary>
    public static string Timestamp(TimeProvider clock) =>
        clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The level's short name.</summary>
    public static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    /// <summary>
    /// The exception as the log tells it. An error or worse is unexpected: its whole story, stack traces included. A
    /// warning or less is an expected condition (a dependency away, a retry), where the types and messages of the
    /// exception and its inner ones say all there is, and a stack trace per retry would bury everything else.
    /// </summary>
    public static string Exception(Exception exception, LogLevel level)
    {
        if (level >= LogLevel.Error)
        {
            return exception.ToString();
        }

        var text = new StringBuilder();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (text.Length > 0)
            {
                text.Append(" ---> ");
            }

            text.Append(e.GetType().FullName).Append(": ").Append(e.Message);
        }

        return text.ToString();
    }

    /// <summary><paramref name="text"/> on one line: line breaks become spaces.</summary>
    public static string OneLine(string text) =>
        text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal)
            ? text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ')
            : text;
}
