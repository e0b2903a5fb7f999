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

    /// <summary>
    /// The event's message, with every date and time in it in ISO-8601 UTC: the message template's own rendering
    /// writes them in the invariant culture's month/day/year form. Other values are rendered as the template does.
    /// </summary>
    public static string Message<TState>(TState state, string rendered)
    {
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> fields
            || !fields.Any(f => f.Value is DateTimeOffset or DateTime)
            || fields.FirstOrDefault(f => f.Key == "{OriginalFormat}").Value is not string template)
        {
            return rendered;
        }

        var text = new StringBuilder(template.Length + 32);
        var next = 0;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
            {
                text.Append(c);
                i++;
            }
            else if (c == '{' && template.IndexOf('}', i) is var end and > 0 && next < fields.Count)
            {
                var placeholder = template[(i + 1)..end];
                var format = placeholder.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 ? placeholder[(colon + 1)..] : null;
                text.Append(Value(fields[next++].Value, format));
                i = end;
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    private static string Value(object? value, string? format) => value switch
    {
        null => "(null)",
        DateTimeOffset at => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateTime at => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(format, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary><paramref name="text"/> on one line: line breaks become spaces.</summary>
    public static string OneLine(string text) =>
        text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal)
            ? text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ')
            : text;
}
