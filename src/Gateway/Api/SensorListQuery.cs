using RavenXcope.Infrastructure.Postgres;

namespace RavenXcope.Gateway.Api;

/// <summary>The sensor list's filters read from text (query string or console form), strictly: a value that is not a known name is refused.</summary>
public static class SensorListQuery
{
    /// <summary>What <see cref="Parse"/> takes, for the refusal's detail.</summary>
    public const string Rules = "lifecycle must be registered, enrolled, disabled or revoked; trustState none, trusted, renewal_recommended, renewal_due, expired or trust_revoked; "
        + "liveness online, degraded, stale, offline, disabled or revoked; suricata a state name (letters and '_', at most 32); q at most 100 printable characters";

    /// <summary>The filter, or null when a value is not one the list knows. Empty values do not filter.</summary>
    public static SensorFilter? Parse(string? lifecycle, string? trustState, string? liveness, string? suricata, string? search)
    {
        lifecycle = Blank(lifecycle);
        trustState = Blank(trustState);
        liveness = Blank(liveness);
        suricata = Blank(suricata);
        search = Blank(search)?.Trim();
        if ((lifecycle is not null && WireNames.ParseLifecycle(lifecycle) is null)
            || (trustState is not null && WireNames.ParseTrustState(trustState) is null)
            || (liveness is not null && !LivenessEvaluator.Values.Contains(liveness))
            || (suricata is not null && (suricata.Length > 32 || !suricata.All(c => c is (>= 'a' and <= 'z') or '_')))
            || (search is not null && (search.Length > 100 || search.Any(char.IsControl))))
        {
            return null;
        }

        return new SensorFilter(lifecycle, trustState, liveness, suricata, search);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
