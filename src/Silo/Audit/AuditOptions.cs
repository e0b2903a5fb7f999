using Microsoft.Extensions.Options;
using RavenXcope.Grains.Audit;

namespace RavenXcope.Silo.Audit;

/// <summary>The key of the tamper-evident audit chain. Without one, auditing is off.</summary>
public sealed class AuditOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Audit";

    /// <summary>Base64 of at least 32 bytes (<c>AUDIT_HMAC_KEY</c>); empty turns auditing off.</summary>
    public string? HmacKey { get; set; }

    /// <summary>The key the audit grains sign with (validated: see <see cref="AuditOptionsValidator"/>).</summary>
    public AuditKey ToKey() => string.IsNullOrWhiteSpace(HmacKey) ? new AuditKey(null) : new AuditKey(Convert.FromBase64String(HmacKey));
}

/// <summary>Checks that a configured audit key is base64 of at least 32 bytes.</summary>
public sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.HmacKey))
        {
            return ValidateOptionsResult.Success;
        }

        var buffer = new byte[(options.HmacKey.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(options.HmacKey, buffer, out var written))
        {
            return ValidateOptionsResult.Fail($"{nameof(AuditOptions.HmacKey)}: not base64 (make one with: head -c 32 /dev/urandom | base64)");
        }

        return written >= 32
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{nameof(AuditOptions.HmacKey)}: must decode to at least 32 bytes");
    }
}
