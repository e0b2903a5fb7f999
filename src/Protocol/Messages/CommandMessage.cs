using System.Text.Json.Serialization;

namespace RavenXcope.Protocol.Messages;

/// <summary>
/// A command as the control plane publishes it on <see cref="Nats.NatsNames.CommandSubject"/> (JetStream, with the
/// command id as <c>Nats-Msg-Id</c>) and the agent pulls it from its consumer.
/// </summary>
/// <param name="CommandId">The command id (the ledger's, and the deduplication id).</param>
/// <param name="Type">One of <see cref="CommandTypes"/>.</param>
/// <param name="IssuedAt">When the control plane accepted it.</param>
/// <param name="ExpiresAt">After this the agent reports <see cref="CommandOutcomes.Expired"/> instead of acting.</param>
/// <param name="Version">The message version; absent on the wire means 1.</param>
public sealed record CommandMessage(
    [property: JsonPropertyName("commandId")] string CommandId,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("issuedAt")] DateTimeOffset IssuedAt,
    [property: JsonPropertyName("expiresAt")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("v")] int Version = ProtocolVersions.Command);
