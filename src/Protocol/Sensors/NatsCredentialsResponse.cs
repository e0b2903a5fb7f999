using System.Text.Json.Serialization;

namespace RavenXcope.Protocol.Sensors;

/// <summary>The sensor's NATS credentials (the agent adds its own seed to make <c>nats.creds</c>).</summary>
/// <param name="Jwt">The user JWT.</param>
/// <param name="NatsUrl">Where to connect.</param>
/// <param name="InboxPrefix">The sensor's own inbox prefix (<see cref="Nats.NatsNames.InboxPrefix"/>).</param>
/// <param name="Stream">The command stream.</param>
/// <param name="Consumer">The sensor's durable consumer (<see cref="Nats.NatsNames.Consumer"/>).</param>
/// <param name="ExpiresAt">When the JWT ends.</param>
public sealed record NatsCredentialsResponse(
    [property: JsonPropertyName("jwt")] string Jwt,
    [property: JsonPropertyName("natsUrl")] string NatsUrl,
    [property: JsonPropertyName("inboxPrefix")] string InboxPrefix,
    [property: JsonPropertyName("stream")] string Stream,
    [property: JsonPropertyName("consumer")] string Consumer,
    [property: JsonPropertyName("expiresAt")] DateTimeOffset ExpiresAt);
