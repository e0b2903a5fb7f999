using System.Text.Json;
using System.Text.Json.Serialization;

namespace RavenXcope.Agent.Suricata;

/// <summary>A request on Suricata's unix command socket: <c>{"command":…,"arguments":{…}}</c>.</summary>
internal sealed record SocketCommand(
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("arguments"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] InterfaceArgument? Arguments = null);

/// <summary>The argument of <c>iface-stat</c>.</summary>
internal sealed record InterfaceArgument([property: JsonPropertyName("iface")] string Iface);

/// <summary>The handshake that opens a session: the protocol version the client speaks.</summary>
internal sealed record SocketHello([property: JsonPropertyName("version")] string Version);

/// <summary>Every answer: <c>return</c> is <c>OK</c> or <c>NOK</c>; <c>message</c> is the command's value, or the reason on NOK.</summary>
internal sealed record SocketReply(
    [property: JsonPropertyName("return")] string? Return,
    [property: JsonPropertyName("message")] JsonElement Message);

/// <summary>One ruleset of <c>ruleset-stats</c>.</summary>
internal sealed record RulesetStats(
    [property: JsonPropertyName("rules_loaded")] long RulesLoaded,
    [property: JsonPropertyName("rules_failed")] long RulesFailed);

/// <summary>The value of <c>iface-list</c>.</summary>
internal sealed record InterfaceList([property: JsonPropertyName("ifaces")] IReadOnlyList<string>? Ifaces);

/// <summary>The value of <c>iface-stat</c>: packets seen and dropped (by the kernel, for AF_PACKET) on one interface.</summary>
internal sealed record InterfaceStats(
    [property: JsonPropertyName("pkts")] long Packets,
    [property: JsonPropertyName("drop")] long Drops);

/// <summary>Serialization generated at build time for the socket's messages.</summary>
[JsonSerializable(typeof(SocketCommand))]
[JsonSerializable(typeof(SocketHello))]
[JsonSerializable(typeof(SocketReply))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(IReadOnlyList<RulesetStats>))]
[JsonSerializable(typeof(InterfaceList))]
[JsonSerializable(typeof(InterfaceStats))]
internal sealed partial class SuricataSocketJson : JsonSerializerContext;
