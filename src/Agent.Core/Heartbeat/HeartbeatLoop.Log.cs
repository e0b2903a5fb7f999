using Microsoft.Extensions.Logging;

namespace RavenXcope.Agent;

/// <summary>The heartbeat loop's log messages.</summary>
public sealed partial class HeartbeatLoop
{
    [LoggerMessage(Level = LogLevel.Error, Message = "The identity in {StateDir} is unusable ({Reason}); enroll again with a new claim code")]
    private static partial void LogIdentityBroken(ILogger logger, string stateDir, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Renewing the certificate (trust {TrustState}, generation {Generation})")]
    private static partial void LogRenewing(ILogger logger, string trustState, int generation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Certificate renewed, valid until {NotAfter}")]
    private static partial void LogRenewed(ILogger logger, DateTimeOffset notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewal failed ({Status} {Code}): {Detail}; retrying on a later heartbeat")]
    private static partial void LogRenewalFailed(ILogger logger, int status, string code, string detail);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Sensor {TenantId}/{SensorId} was revoked by the operator: stopping. Enroll again with a new claim code")]
    private static partial void LogRevoked(ILogger logger, string tenantId, string sensorId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat failed ({Status} {Code}): {Detail}; failure {Failures} in a row, retrying in {Wait}")]
    private static partial void LogHeartbeatFailed(ILogger logger, int status, string code, string detail, int failures, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Information, Message = "Heartbeat accepted again after refusals; asking for NATS credentials now")]
    private static partial void LogAcceptedAgain(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Renewal retried no sooner than in {Wait}")]
    private static partial void LogRenewalRetry(ILogger logger, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write {StateFile}: {Reason}")]
    private static partial void LogSaveFailed(ILogger logger, string stateFile, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped")]
    private static partial void LogStopped(ILogger logger);
}
