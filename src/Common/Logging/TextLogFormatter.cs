using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace RavenXcope.Common.Logging;

/// <summary>
/// One line per event: <c>2026-01-31T12:00:00.000Z warn  Category: message | exception</c>. The timestamp is UTC
/// ISO-8601 with milliseconds, the level a fixed-width short name, no event id.
/// </summary>
public sealed class TextLogFormatter() : ConsoleFormatter(FormatterName)
{
    /// <summary>The formatter's name for the console logger.</summary>
    public const string FormatterName = "ravenxcope-text";

    /// <summary>The clock (tests pass their own).</summary>
    internal TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        textWriter.Write(LogLine.Timestamp(Clock));
        textWriter.Write(' ');
        textWriter.Write(LogLine.Level(logEntry.LogLevel).PadRight(5));
        textWriter.Write(' ');
        textWriter.Write(logEntry.Category);
        textWriter.Write(": ");
        textWriter.Write(LogLine.OneLine(LogLine.Message(logEntry.State, message ?? string.Empty)));
        if (logEntry.Exception is { } exception)
        {
            textWriter.Write(" | ");
            textWriter.Write(LogLine.OneLine(LogLine.Exception(exception, logEntry.LogLevel)));
        }

        textWriter.Write('\n');
    }
}
