using System.Text.Json.Serialization;

namespace RavenXcope.Protocol.Sensors;

/// <summary>POST /api/v1/enroll: a claim code, a CSR made on the host, and what the host is.</summary>
/// <param name="ClaimCode">The claim code the operator issued.</param>
/// <param name="CsrPem">A PEM PKCS#10 request for a key made on the host.</param>
/// <param name="Hostname">The host name.</param>
/// <param name="OsInfo">The operating system.</param>
/// <param name="Architecture">The CPU architecture.</param>
/// <param name="AgentVersion">The agent's version.</param>
/// <param name="SensorIp">The host's address, if known.</param>
/// <param name="Interfaces">The host's network interfaces.</param>
public sealed record EnrollRequest(
    [property: JsonPropertyName("claimCode")] string? ClaimCode,
    [property: JsonPropertyName("csrPem")] string? CsrPem,
    [property: JsonPropertyName("hostname")] string? Hostname,
    [property: JsonPropertyName("osInfo")] string? OsInfo,
    [property: JsonPropertyName("architecture")] string? Architecture,
    [property: JsonPropertyName("agentVersion")] string? AgentVersion,
    [property: JsonPropertyName("sensorIp")] string? SensorIp,
    [property: JsonPropertyName("interfaces")] IReadOnlyList<InterfaceRequest>? Interfaces);
