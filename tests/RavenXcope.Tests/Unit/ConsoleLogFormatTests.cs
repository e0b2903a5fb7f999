using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RavenXcope.Common.Logging;

namespace RavenXcope.Tests.Unit;

/// <summary>The two console formats: one line per event, UTC timestamps, and exceptions told by level.</summary>
public sealed class ConsoleLogFormatTests
{
    [Fact]
    public void A_warning_with_an_exception_is_one_text_line_naming_the_exception_without_its_stack_trace()
    {
        var line = Text(LogLevel.Warning, "PostgreSQL\nis away", Thrown());
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z warn  Test\.Category: PostgreSQL is away \| System\.InvalidOperationException: outer ---> System\.TimeoutException: inner\n$", line);
    }

    [Fact]
    public void An_error_keeps_the_stack_trace_on_its_one_line()
    {
        var line = Text(LogLevel.Error, "unexpected", Thrown());
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(" at RavenXcope.Tests.Unit.ConsoleLogFormatTests.", line, StringComparison.Ordinal);
        Assert.StartsWith(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_line_carries_the_message_its_named_values_and_the_event_name()
    {
        var writer = new StringWriter();
        List<KeyValuePair<string, object?>> state = [new("SensorId", "edge-1"), new("Count", 3), new("Ok", true), new("{OriginalFormat}", "{SensorId} {Count}")];
        new JsonLogFormatter().Write(
            new LogEntry<List<KeyValuePair<string, object?>>>(LogLevel.Information, "Test.Category", new EventId(7, "Counted"), state, null, (_, _) => "edge-1 3"),
            null,
            writer);
        var text = writer.ToString();
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.Equal("info", root.GetProperty("level").GetString());
        Assert.Equal("Test.Category", root.GetProperty("category").GetString());
        Assert.Equal("Counted", root.GetProperty("event").GetString());
        Assert.Equal("edge-1 3", root.GetProperty("message").GetString());
        Assert.EndsWith("Z", root.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
        Assert.Equal("edge-1", root.GetProperty("fields").GetProperty("SensorId").GetString());
        Assert.Equal(3, root.GetProperty("fields").GetProperty("Count").GetInt32());
        Assert.True(root.GetProperty("fields").GetProperty("Ok").GetBoolean());
        Assert.False(root.GetProperty("fields").TryGetProperty("{OriginalFormat}", out _));
    }

    [Fact]
    public void Dates_in_a_message_are_ISO_8601_UTC_not_month_day_year()
    {
        var writer = new StringWriter();
        var expires = new DateTimeOffset(2027, 1, 2, 9, 30, 0, TimeSpan.FromHours(2));
        List<KeyValuePair<string, object?>> state = [new("SensorId", "edge-1"), new("ExpiresAt", expires), new("{OriginalFormat}", "Enrolled as {SensorId}; valid until {ExpiresAt} ({{utc}})")];
        new TextLogFormatter().Write(
            new LogEntry<List<KeyValuePair<string, object?>>>(LogLevel.Information, "Test.Category", default, state, null, (_, _) => "Enrolled as edge-1; valid until 01/02/2027 09:30:00 +02:00 ({utc})"),
            null,
            writer);
        Assert.EndsWith("Test.Category: Enrolled as edge-1; valid until 2027-01-02T07:30:00Z ({utc})\n", writer.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "run", "--log-format", "json" }, LogFormat.Json)]
    [InlineData(new[] { "run", "--log-format=json" }, LogFormat.Json)]
    [InlineData(new[] { "run", "--log-format", "TEXT" }, LogFormat.Text)]
    [InlineData(new[] { "run" }, LogFormat.Text)]
    public void The_format_is_read_from_the_arguments(string[] args, LogFormat expected) =>
        Assert.Equal(expected, ConsoleLog.FromArguments(args));

    private static string Text(LogLevel level, string message, Exception exception)
    {
        var writer = new StringWriter();
        new TextLogFormatter().Write(new LogEntry<string>(level, "Test.Category", default, message, exception, (s, _) => s), null, writer);
        return writer.ToString();
    }

    private static Exception Thrown()
    {
        try
        {
            try
            {
                throw new TimeoutException("inner");
            }
            catch (TimeoutException e)
            {
                throw new InvalidOperationException("outer", e);
            }
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
    }
}
