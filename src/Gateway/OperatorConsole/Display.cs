using System.Globalization;

namespace RavenXcope.Gateway.OperatorConsole;

/// <summary>How the console writes times and states: UTC, to the second, and how long ago.</summary>
public static class Display
{
    /// <summary>A time as <c>2026-11-23 14:05:09 UTC</c>, or a dash.</summary>
    public static string Time(DateTimeOffset? at) =>
        at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "–";

    /// <summary>How long before <paramref name="now"/> a time was: <c>12 s ago</c>, <c>3 min ago</c>; a dash for none.</summary>
    public static string Ago(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } t)
        {
            return "never";
        }

        var span = now - t;
        return span.TotalSeconds < 0 ? "in " + Span(-span) : Span(span) + " ago";
    }

    /// <summary>A length of time in its largest unit.</summary>
    public static string Span(TimeSpan span) =>
        span.TotalSeconds < 90 ? $"{(int)span.TotalSeconds} s"
        : span.TotalMinutes < 90 ? $"{(int)span.TotalMinutes} min"
        : span.TotalHours < 48 ? $"{(int)span.TotalHours} h"
        : $"{(int)span.TotalDays} d";

    /// <summary>A wire name for reading: <c>renewal_due</c> → <c>renewal due</c>.</summary>
    public static string Words(string? name) => string.IsNullOrEmpty(name) ? "–" : name.Replace('_', ' ');
}
