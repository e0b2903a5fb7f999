using System.Text.Json.Serialization;

namespace RavenXcope.Protocol.Messages;

/// <summary>A command's outcome as an agent reports it in its status messages.</summary>
/// <param name="CommandId">The command id.</param>
/// <param name="Outcome">One of <see cref="CommandOutcomes"/>.</param>
public sealed record CommandOutcome(
    [property: JsonPropertyName("commandId")] string CommandId,
    [property: JsonPropertyName("outcome")] string Outcome);
