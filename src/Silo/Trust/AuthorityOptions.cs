using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace RavenXcope.Silo.Trust;

/// <summary>Where the CA's certificate and key are (made by <c>ravenxcope-silo init-ca</c>).</summary>
public sealed class AuthorityOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "CertificateAuthority";

    /// <summary>PEM file of the CA certificate.</summary>
    [Required(ErrorMessage = "is required: create the CA with 'ravenxcope-silo init-ca --dir DIR' and point CA_CERT_FILE at DIR/ca.cert.pem")]
    public string CertificatePath { get; set; } = string.Empty;

    /// <summary>PEM file of the CA key; mode 0600.</summary>
    [Required(ErrorMessage = "is required: create the CA with 'ravenxcope-silo init-ca --dir DIR' and point CA_KEY_FILE at DIR/ca.key.pem")]
    public string KeyPath { get; set; } = string.Empty;
}

/// <summary>Checks <see cref="AuthorityOptions"/>' annotations (generated).</summary>
[OptionsValidator]
public sealed partial class AuthorityOptionsValidator : IValidateOptions<AuthorityOptions>;
