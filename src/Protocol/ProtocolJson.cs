using System.Text.Json;
using System.Text.Json.Serialization;
using RavenXcope.Protocol.Messages;
using RavenXcope.Protocol.Sensors;

namespace RavenXcope.Protocol;

/// <summary>
/// Serialization code generated at build time for every message and HTTP contract of the protocol, for both sides.
/// Every member names its wire name itself, so the names do not depend on the options of whoever serializes.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StatusMessage))]
[JsonSerializable(typeof(CommandMessage))]
[JsonSerializable(typeof(StatusReply))]
[JsonSerializable(typeof(EnrollRequest))]
[JsonSerializable(typeof(EnrollResponse))]
[JsonSerializable(typeof(HeartbeatRequest))]
[JsonSerializable(typeof(HeartbeatResponse))]
[JsonSerializable(typeof(RenewRequest))]
[JsonSerializable(typeof(RenewResponse))]
[JsonSerializable(typeof(NatsCredentialsRequest))]
[JsonSerializable(typeof(NatsCredentialsResponse))]
[JsonSerializable(typeof(PendingResponse))]
public sealed partial class ProtocolJson : JsonSerializerContext;
