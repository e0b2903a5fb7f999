using System.Text.Json.Serialization;

namespace RavenXcope.Protocol.Sensors;

/// <summary>One network interface of the enrolling host.</summary>
/// <param name="Name">The interface name.</param>
/// <param name="IsManagement">Whether it carries the management traffic.</param>
/// <param name="IsLoopback">Whether it is a loopback.</param>
/// <param name="IsVirtual">Whether it is virtual.</param>
/// <param name="IsWireless">Whether it is wireless.</param>
/// <param name="IsUp">Whether it is up.</param>
/// <param name="BytesSent">Bytes sent so far.</param>
/// <param name="BytesRecv">Bytes received so far.</param>
public sealed record InterfaceRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("isManagement")] bool IsManagement,
    [property: JsonPropertyName("isLoopback")] bool IsLoopback,
    [property: JsonPropertyName("isVirtual")] bool IsVirtual,
    [property: JsonPropertyName("isWireless")] bool IsWireless,
    [property: JsonPropertyName("isUp")] bool IsUp,
    [property: JsonPropertyName("bytesSent")] long BytesSent,
    [property: JsonPropertyName("bytesRecv")] long BytesRecv);
