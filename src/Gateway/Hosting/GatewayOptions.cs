using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace RavenXcope.Gateway.Hosting;

/// <summary>Where the gateway listens and the TLS material it serves with. It never holds the CA key.</summary>
public sealed class GatewayOptions
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

    /// <summary>
    /// The enrollment URL as sensor hosts reach it (<c>https://control.example:8443</c>), for the join command in a
    /// claim code's answer; when unset, the host name the operator's request named and <see cref="EnrollPort"/>.
    /// </summary>
    public string? PublicEnrollmentUrl { get; set; }

    /// <summary>Largest request body on the sensor-facing listeners, bytes.</summary>
    [Range(1024, 1048576)]
    public int MaxSensorRequestBytes { get; set; } = 64 * 1024;
}

/// <summary>
/// Checks <see cref="GatewayOptions"/>: its annotations, an IP address to bind, and three different ports (each
/// listener serves only its own routes, told apart by the port a connection arrived on).
/// </summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    private readonly GatewayOptionsAnnotations _annotations = new();

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var annotations = _annotations.Validate(name, options);
        var failures = annotations.Failed ? annotations.Failures.ToList() : [];
        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            failures.Add($"{nameof(GatewayOptions.BindAddress)}: not an IP address");
        }

        if (options.PublicEnrollmentUrl is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme != Uri.UriSchemeHttps || parsed.PathAndQuery != "/"))
        {
            failures.Add($"{nameof(GatewayOptions.PublicEnrollmentUrl)}: must be an https:// URL without a path (GATEWAY_PUBLIC_ENROLL_URL)");
        }

        if (new[] { options.HttpPort, options.EnrollPort, options.MtlsPort }.Distinct().Count() != 3)
        {
            failures.Add($"{nameof(GatewayOptions.HttpPort)}, {nameof(GatewayOptions.EnrollPort)}, {nameof(GatewayOptions.MtlsPort)}: must be three different ports");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>The annotations of <see cref="GatewayOptions"/> (generated).</summary>
[OptionsValidator]
internal sealed partial class GatewayOptionsAnnotations : IValidateOptions<GatewayOptions>;
