using System.Text.Json.Serialization;

namespace RavenXcope.Protocol.Sensors;

/// <summary>The renewed certificate.</summary>
/// <param name="CertificatePem">The new client certificate.</param>
/// <param name="CaCertificatePem">The issuing CA.</param>
/// <param name="CertificateExpiresAt">When the new certificate ends.</param>
public sealed record RenewResponse(
    [property: JsonPropertyName("certificatePem")] string CertificatePem,
    [property: JsonPropertyName("caCertificatePem")] string CaCertificatePem,
    [property: JsonPropertyName("certificateExpiresAt")] DateTimeOffset CertificateExpiresAt);
