using System.Text.Json.Serialization;

namespace RavenXcope.Protocol.Sensors;

/// <summary>POST /sensor/v1/nats-credentials: the public key of the user nkey the agent made.</summary>
/// <param name="UserPublicKey">A NATS user public key (U…).</param>
public sealed record NatsCredentialsRequest([property: JsonPropertyName("userPublicKey")] string? UserPublicKey);
