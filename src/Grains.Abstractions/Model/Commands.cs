namespace RavenXcope.Grains.Model;

/// <summary>One entry of a sensor's command ledger.</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.CommandSnapshot")]
public sealed record CommandSnapshot(
    [property: Id(0)] string CommandId,
    [property: Id(1)] CommandType Type,
    [property: Id(2)] CommandStatus Status,
    [property: Id(3)] DateTimeOffset IssuedAt,
    [property: Id(4)] DateTimeOffset ExpiresAt,
    [property: Id(5)] ulong? StreamSequence,
    [property: Id(6)] DateTimeOffset UpdatedAt,
    [property: Id(7)] string? Detail);

/// <summary>A status message of an agent, as the bridge hands it to the sensor grain.</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.SensorStatusReport")]
public sealed record SensorStatusReport(
    [property: Id(0)] string Desired,
    [property: Id(1)] string Observed,
    [property: Id(2)] string? LastCommandId,
    [property: Id(3)] string? LastCommandOutcome,
    [property: Id(4)] string? TrustState,
    [property: Id(5)] string? AgentVersion,
    [property: Id(6)] IReadOnlyList<ReportedOutcome>? RecentOutcomes = null,
    [property: Id(7)] SuricataSnapshot? Suricata = null);

/// <summary>
/// One of the agent's latest command outcomes. Status messages repeat the last few, so that a status lost
/// in an outage is made good by the next one and no ledger entry waits forever.
/// </summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.ReportedOutcome")]
public sealed record ReportedOutcome(
    [property: Id(0)] string CommandId,
    [property: Id(1)] string Outcome,
    [property: Id(2)] string? Detail = null);
