using System.Text.Json.Serialization;

namespace RavenXcope.Protocol.Messages;

/// <summary>
/// The control plane's answer to a status request: the command ids whose outcome it has stored, which the agent may
/// forget. No answer confirms nothing, and the agent sends the same outcomes again.
/// </summary>
/// <param name="Recorded">The stored command ids.</param>
public sealed record StatusReply([property: JsonPropertyName("recorded")] IReadOnlyList<string> Recorded);
