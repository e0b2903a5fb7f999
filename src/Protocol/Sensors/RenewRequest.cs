using System.Text.Json.Serialization;

namespace RavenXcope.Protocol.Sensors;

/// <summary>POST /sensor/v1/renew: a CSR for a new key made on the host.</summary>
/// <param name="CsrPem">The PEM PKCS#10 request.</param>
public sealed record RenewRequest([property: JsonPropertyName("csrPem")] string? CsrPem);
