using System.Globalization;

namespace RavenXcope.Tests.Integration;

/// <summary>Reads values out of a <c>/metrics</c> answer (the Prometheus text format).</summary>
internal static class PrometheusText
{
    /// <summary>
    /// The sum over the series of <paramref name="metric"/> (those whose labels include <paramref name="label"/>, when
    /// given); null when there is no such series.
    /// </summary>
    public static double? Sum(string text, string metric, string? label = null)
    {
        double? sum = null;
        foreach (var line in text.Split('\n'))
        {
            if ((line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal))
                && (label is null || line.Contains(label, StringComparison.Ordinal)))
            {
                sum = (sum ?? 0) + double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }
}
