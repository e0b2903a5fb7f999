namespace RavenXcope.Agent;

/// <summary>What the control plane answered: a value, or a problem (status and stable code), or no answer at all.</summary>
public sealed record Answer<T>(T? Value, int Status, string? Code, string? Detail)
{
    /// <summary>How long the server asked to wait before retrying (<c>Retry-After</c>), if it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>True when a retry may succeed: nothing answered, or the server failed or was unavailable (5xx).</summary>
    public bool IsTransient => IsUnreachable || Status >= 500;

    /// <summary>True on a 2xx answer.</summary>
    public bool IsSuccess => Status is >= 200 and < 300 && Value is not null;

    /// <summary>True when nothing answered (network, TLS, timeout).</summary>
    public bool IsUnreachable => Status == 0;
}
