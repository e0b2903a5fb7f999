using System.Text.Json.Serialization;

namespace RavenXcope.Protocol.Messages;

/// <summary>A command's outcome as an agent reports it in its status messages.</summary>
/// <param name="CommandId">The command id.</param>
/// <param name="Outcome">One of <see cref="CommandOutcomes"/>.</param>
/// <param name="Detail">
/// Why a command failed (Suricata's own error, say), at most <see cref="ProtocolLimits.MaxOutcomeDetailLength"/>
/// characters; absent when there is nothing to say. Left out of the JSON when absent, so an outcome without it is
/// the same bytes as agents before it sent.
/// </param>
public sealed record CommandOutcome(
    [property: JsonPropertyName("commandId")] string CommandId,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("detail"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail = null);
