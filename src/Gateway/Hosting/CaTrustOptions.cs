using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace RavenXcope.Gateway.Hosting;

/// <summary>The CA whose client certificates the sensor listener accepts. The gateway has its certificate only, never its key.</summary>
public sealed class CaTrustOptions
{
    /// <summary>Configuration section (shared with the silo's signing settings).</summary>
    public const string SectionName = "CertificateAuthority";

    /// <summary>PEM file of the CA certificate (<c>CA_CERT_FILE</c>).</summary>
    [Required(ErrorMessage = "is required (the ca.cert.pem made by 'ravenxcope-silo init-ca')")]
    public string CertificatePath { get; set; } = string.Empty;
}

/// <summary>Checks <see cref="CaTrustOptions"/>' annotations (generated).</summary>
[OptionsValidator]
public sealed partial class CaTrustOptionsValidator : IValidateOptions<CaTrustOptions>;
