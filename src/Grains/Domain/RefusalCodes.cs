using RavenXcope.Grains.Model;

namespace RavenXcope.Grains.Domain;

/// <summary>Stable problem codes of refused transitions; the gateway maps them to HTTP statuses.</summary>
public static class RefusalCodes
{
    /// <summary>The sensor is revoked: final.</summary>
    public const string SensorRevoked = "sensor_revoked";

    /// <summary>The sensor is disabled.</summary>
    public const string SensorDisabled = "sensor_disabled";

    /// <summary>The sensor has no certificate yet.</summary>
    public const string SensorNotEnrolled = "sensor_not_enrolled";

    /// <summary>The sensor already holds a certificate.</summary>
    public const string SensorAlreadyEnrolled = "sensor_already_enrolled";

    /// <summary>No such sensor.</summary>
    public const string SensorNotFound = "sensor_not_found";

    /// <summary>The sensor exists with other attributes.</summary>
    public const string SensorExists = "sensor_exists";

    /// <summary>No such tenant.</summary>
    public const string TenantNotFound = "tenant_not_found";

    /// <summary>The tenant exists with other attributes.</summary>
    public const string TenantExists = "tenant_exists";

    /// <summary>
    /// The one refusal for unknown, expired, used, withdrawn and malformed claim codes alike, so that
    /// the answer tells nothing about which codes exist.
    /// </summary>
    public const string EnrollmentRefused = "enrollment_refused";

    /// <summary>The presented certificate is neither the current one nor the previous one within its overlap.</summary>
    public const string CertificateNotCurrent = "certificate_not_current";

    /// <summary>The presented certificate's validity has ended.</summary>
    public const string CertificateExpired = "certificate_expired";

    /// <summary>Another request changed the same record first; retry.</summary>
    public const string Conflict = "concurrent_update";
}
