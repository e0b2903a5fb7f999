namespace RavenXcope.Domain;

/// <summary>The snake_case names states have on the wire and in the read model (as in the source documents).</summary>
public static class WireNames
{
    /// <summary>Wire name of a trust state.</summary>
    public static string Of(TrustState state) => state switch
    {
        TrustState.None => "none",
        TrustState.Trusted => "trusted",
        TrustState.RenewalRecommended => "renewal_recommended",
        TrustState.RenewalDue => "renewal_due",
        TrustState.Expired => "expired",
        TrustState.TrustRevoked => "trust_revoked",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>Wire name of a lifecycle.</summary>
    public static string Of(SensorLifecycle lifecycle) => lifecycle switch
    {
        SensorLifecycle.Registered => "registered",
        SensorLifecycle.Enrolled => "enrolled",
        SensorLifecycle.Disabled => "disabled",
        SensorLifecycle.Revoked => "revoked",
        _ => throw new ArgumentOutOfRangeException(nameof(lifecycle), lifecycle, null),
    };

    /// <summary>Parses a wire trust state; null when unknown.</summary>
    public static TrustState? ParseTrustState(string value) =>
        Enum.GetValues<TrustState>().Cast<TrustState?>().FirstOrDefault(s => Of(s!.Value) == value);

    /// <summary>Parses a wire lifecycle; null when unknown.</summary>
    public static SensorLifecycle? ParseLifecycle(string value) =>
        Enum.GetValues<SensorLifecycle>().Cast<SensorLifecycle?>().FirstOrDefault(s => Of(s!.Value) == value);
}
