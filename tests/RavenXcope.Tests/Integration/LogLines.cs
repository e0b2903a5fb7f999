using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RavenXcope.Tests.Integration;

/// <summary>
/// A process's output read as our log format: every line one event, in text
/// (<c>2026-01-31T12:00:00.000Z info  Category: message</c>) or JSON (<c>{"timestamp":…,"level":…,"category":…,"message":…}</c>).
/// </summary>
internal static partial class LogLines
{
    private static readonly string[] Levels = ["trace", "debug", "info", "warn", "error", "crit"];

    /// <summary>One event.</summary>
    public sealed record Event(DateTimeOffset Timestamp, string Level, string Category, string Message, JsonElement? Fields);

    /// <summary>Every line of <paramref name="output"/> as an event of <paramref name="json"/> or text format; fails naming the first line that is not one.</summary>
    public static IReadOnlyList<Event> Parse(string output, bool json, string process)
    {
        var events = new List<Event>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parsed = json ? ParseJson(line) : ParseText(line);
            Assert.True(parsed is not null, $"{process}: a line that is not one {(json ? "JSON" : "text")} log event: «{line}»\nwhole output:\n{output}");
            var age = DateTimeOffset.UtcNow - parsed!.Timestamp;
            Assert.True(age > TimeSpan.FromMinutes(-1) && age < TimeSpan.FromMinutes(15), $"{process}: timestamp {parsed.Timestamp:O} is not the current UTC time: «{line}»");
            events.Add(parsed);
        }

        Assert.True(events.Count > 0, $"{process} logged nothing");
        return events;
    }

    private static Event? ParseText(string line)
    {
        var match = TextLine().Match(line);
        return match.Success && Timestamp(match.Groups["at"].Value) is { } at
            ? new Event(at, match.Groups["level"].Value.TrimEnd(), match.Groups["category"].Value, match.Groups["message"].Value, null)
            : null;
    }

    private static Event? ParseJson(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("timestamp", out var at) || Timestamp(at.GetString() ?? string.Empty) is not { } timestamp
                || !root.TryGetProperty("level", out var level) || !Levels.Contains(level.GetString())
                || !root.TryGetProperty("category", out var category) || string.IsNullOrEmpty(category.GetString())
                || !root.TryGetProperty("message", out var message))
            {
                return null;
            }

            return new Event(timestamp, level.GetString()!, category.GetString()!, message.GetString() ?? string.Empty, root.TryGetProperty("fields", out var fields) ? fields.Clone() : null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // UTC, ISO-8601, milliseconds: exactly this shape, so that a local time or a US date is refused.
    private static DateTimeOffset? Timestamp(string text) =>
        DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    [GeneratedRegex(@"^(?<at>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (?<level>trace|debug|info |warn |error|crit ) (?<category>[A-Za-z0-9_.`+\[\]-]+): (?<message>.*)$")]
    private static partial Regex TextLine();
}
