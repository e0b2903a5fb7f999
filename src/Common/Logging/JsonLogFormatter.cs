using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace RavenXcope.Common.Logging;

/// <summary>
/// One JSON object per line: <c>timestamp</c> (UTC ISO-8601), <c>level</c>, <c>category</c>, <c>event</c> (the event's
/// name, when it has one), <c>message</c>, <c>exception</c> (when there is one) and <c>fields</c>: the message's
/// named values (<c>{SensorId}</c> → <c>"SensorId"</c>), so a shipper can index them without parsing the text.
/// </summary>
public sealed class JsonLogFormatter() : ConsoleFormatter(FormatterName)
{
    /// <summary>The formatter's name for the console logger.</summary>
    public const string FormatterName = "ravenxcope-json";

    private const string OriginalFormat = "{OriginalFormat}";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

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

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", LogLine.Timestamp(Clock));
            json.WriteString("level", LogLine.Level(logEntry.LogLevel));
            json.WriteString("category", logEntry.Category);
            if (logEntry.EventId.Name is { Length: > 0 } eventName)
            {
                json.WriteString("event", eventName);
            }

            json.WriteString("message", LogLine.Message(logEntry.State, message ?? string.Empty));
            if (logEntry.Exception is { } exception)
            {
                json.WriteString("exception", LogLine.Exception(exception, logEntry.LogLevel));
            }

            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> fields && fields.Any(f => f.Key != OriginalFormat))
            {
                json.WriteStartObject("fields");
                foreach (var (key, value) in fields)
                {
                    if (key != OriginalFormat)
                    {
                        WriteValue(json, key, value);
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        textWriter.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        textWriter.Write('\n');
    }

    private static void WriteValue(Utf8JsonWriter json, string key, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(key);
                break;
            case bool flag:
                json.WriteBoolean(key, flag);
                break;
            case ulong large:
                json.WriteNumber(key, large);
                break;
            case int or long or short or byte or uint or ushort or sbyte:
                json.WriteNumber(key, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsFinite(number))
                {
                    json.WriteNumber(key, number);
                }
                else
                {
                    json.WriteString(key, number.ToString(CultureInfo.InvariantCulture));
                }

                break;
            case DateTimeOffset at:
                json.WriteString(key, at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                break;
            case DateTime at:
                json.WriteString(key, at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
