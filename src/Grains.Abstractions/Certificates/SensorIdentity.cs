using System.Security.Cryptography.X509Certificates;

namespace RavenXcope.Grains.Certificates;

/// <summary>How a sensor's identity is written into its certificate, and read back from it.</summary>
public static class SensorIdentity
{
    private const string UriPrefix = "urn:ravenxcope:sensor:";

    /// <summary>The subject of a sensor certificate.</summary>
    public static X500DistinguishedName Subject(string tenantId, string sensorId)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddOrganizationName("RavenXcope");
        builder.AddOrganizationalUnitName($"tenant:{tenantId}");
        builder.AddCommonName($"sensor:{sensorId}");
        return builder.Build();
    }

    /// <summary>The URI SAN that names the sensor: <c>urn:ravenxcope:sensor:&lt;tenant&gt;:&lt;sensor&gt;</c>.</summary>
    public static Uri Uri(string tenantId, string sensorId) => new($"{UriPrefix}{tenantId}:{sensorId}");

    /// <summary>Reads the tenant and sensor ids from a certificate's subject; null when it names none.</summary>
    public static (string TenantId, string SensorId)? Read(X509Certificate2 certificate)
    {
        string? tenant = null, sensor = null;
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements)
            {
                return null;
            }

            var value = rdn.GetSingleElementValue() ?? string.Empty;
            switch (rdn.GetSingleElementType().Value)
            {
                case "2.5.4.11" when value.StartsWith("tenant:", StringComparison.Ordinal):
                    tenant = value["tenant:".Length..];
                    break;
                case "2.5.4.3" when value.StartsWith("sensor:", StringComparison.Ordinal):
                    sensor = value["sensor:".Length..];
                    break;
            }
        }

        return Model.Identifiers.IsValid(tenant) && Model.Identifiers.IsValid(sensor) ? (tenant!, sensor!) : null;
    }
}
