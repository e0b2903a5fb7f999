using RavenXcope.Grains.Model;

namespace RavenXcope.Grains.Sensors;

/// <summary>Log messages of the sensor grain (never a claim code, key or certificate body).</summary>
public sealed partial class SensorGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Sensor {TenantId}/{SensorId}: {From} -> {To}")]
    private static partial void LogTransition(ILogger logger, string tenantId, string sensorId, SensorLifecycle from, SensorLifecycle to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sensor {TenantId}/{SensorId}: claim code issued, valid until {ExpiresAt}")]
    private static partial void LogClaimCodeIssued(ILogger logger, string tenantId, string sensorId, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sensor {TenantId}/{SensorId}: enrolled, certificate {Serial} valid until {NotAfter}")]
    private static partial void LogEnrolled(ILogger logger, string tenantId, string sensorId, string serial, DateTimeOffset notAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sensor {TenantId}/{SensorId}: renewed, certificate {Serial} valid until {NotAfter}")]
    private static partial void LogRenewed(ILogger logger, string tenantId, string sensorId, string serial, DateTimeOffset notAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sensor {TenantId}/{SensorId}: trust {From} -> {To}")]
    private static partial void LogTrustMoved(ILogger logger, string tenantId, string sensorId, TrustState from, TrustState to);
}
