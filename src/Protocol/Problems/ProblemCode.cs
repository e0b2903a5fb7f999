namespace RavenXcope.Protocol.Problems;

/// <summary>
/// One row of the problem table (<see cref="ProblemCodes"/>): the stable <c>code</c> member of an RFC 9457 problem,
/// the HTTP status it is answered with, and its title.
/// </summary>
/// <param name="Code">The stable code (snake_case); clients match on it, never on the detail text.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Title">The problem's short, fixed summary (the <c>title</c> member).</param>
public sealed record ProblemCode(string Code, int Status, string Title)
{
    /// <summary>
    /// The status when the sensor itself is refused on its own API (heartbeat, renewal, NATS credentials): bad input
    /// keeps its 400, every other refusal is 403, because the question there is what this certificate may do, not a
    /// conflict with the state an operator acts on (where a revoked sensor is a 409).
    /// </summary>
    public int SensorStatus => Status == 400 ? 400 : 403;

    /// <summary>The problem's <c>type</c> URI.</summary>
    public string Type => $"https://ravenxcope.dev/problems/{Code}";

    /// <inheritdoc />
    public override string ToString() => Code;
}
