using System.ComponentModel.DataAnnotations;

namespace RavenXcope.Gateway.Hosting;

/// <summary>Where the gateway listens and the TLS material it serves with. It never holds the CA key.</summary>
public sealed class GatewaySettings
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Gateway";

    /// <summary>Address all three listeners bind to.</summary>
    [Required]
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>Plain HTTP: operator API, health, account resolver.</summary>
    [Range(1, 65535)]
    public int HttpPort { get; set; } = 8080;

    /// <summary>HTTPS with the gateway's certificate: enrollment.</summary>
    [Range(1, 65535)]
    public int EnrollPort { get; set; } = 8443;

    /// <summary>HTTPS that requires a client certificate from our CA: the sensor API.</summary>
    [Range(1, 65535)]
    public int MtlsPort { get; set; } = 8444;

    /// <summary>PEM certificate the HTTPS listeners present (from <c>ravenxcope-silo init-ca</c>).</summary>
    [Required(ErrorMessage = "is required: the gateway.cert.pem made by 'ravenxcope-silo init-ca'")]
    public string TlsCertificatePath { get; set; } = string.Empty;

    /// <summary>PEM key of that certificate; mode 0600.</summary>
    [Required(ErrorMessage = "is required: the gateway.key.pem made by 'ravenxcope-silo init-ca'")]
    public string TlsKeyPath { get; set; } = string.Empty;

    /// <summary>Largest request body on the sensor-facing listeners, bytes.</summary>
    [Range(1024, 1048576)]
    public int MaxSensorRequestBytes { get; set; } = 64 * 1024;
}
