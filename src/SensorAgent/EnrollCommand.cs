using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace RavenXcope.SensorAgent;

/// <summary><c>ravenxcope-sensor enroll --code … --url …</c>: the one onboarding entry point.</summary>
public sealed partial class EnrollCommand(ILogger<EnrollCommand> logger)
{
    private sealed record EnrollResponse(
        string TenantId, string SensorId, string CertificatePem, string CaCertificatePem,
        DateTimeOffset CertificateExpiresAt, int HeartbeatIntervalSeconds, string SensorApiUrl);

    /// <summary>Enrolls this host; returns an exit code.</summary>
    public async Task<int> RunAsync(string code, Uri url, string? caFile, StateDirectory state, CancellationToken cancellationToken)
    {
        var existing = SafeLoad(state);
        if (existing is not null && existing.TrustState != "trust_revoked")
        {
            LogAlreadyEnrolled(logger, existing.TenantId, existing.SensorId, state.Path);
            return ExitCodes.Ok;
        }

        // Checked before the code is spent: a code redeemed into an unwritable directory is lost.
        if (ProbeWritable(state.Path) is { } problem)
        {
            LogWriteFailed(logger, state.Path, problem);
            return ExitCodes.LocalError;
        }

        X509Certificate2? ca = null;
        if (caFile is not null)
        {
            try
            {
                ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(caFile, cancellationToken));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                LogBadCaFile(logger, caFile, e.Message);
                return ExitCodes.Usage;
            }
        }

        var host = HostInfo.Detect(url);
        var (key, csr) = LocalKeys.NewKeyAndCsr(host.Hostname);
        using (key)
        using (ca)
        using (var client = new ControlPlaneClient(url, ca, clientCertificate: null))
        {
            var answer = await client.PostAsync<EnrollResponse>("/api/v1/enroll", new
            {
                claimCode = code.Trim(),
                csrPem = csr,
                host.Hostname,
                host.OsInfo,
                host.Architecture,
                host.AgentVersion,
                host.SensorIp,
                host.Interfaces,
            }, cancellationToken);

            if (answer.IsUnreachable)
            {
                LogUnreachable(logger, url, answer.Detail ?? "no answer");
                return ExitCodes.Unreachable;
            }

            if (!answer.IsSuccess)
            {
                LogRefused(logger, answer.Status, answer.Code ?? "unknown", answer.Detail ?? string.Empty);
                return answer.Status is 403 or 400 or 409 ? ExitCodes.Refused : ExitCodes.ServerError;
            }

            var enrolled = answer.Value!;
            try
            {
                state.SaveIdentity(key.ExportPkcs8PrivateKeyPem(), enrolled.CertificatePem, enrolled.CaCertificatePem);
                state.Save(new AgentState
                {
                    TenantId = enrolled.TenantId,
                    SensorId = enrolled.SensorId,
                    TrustState = "trusted",
                    CertificateExpiresAt = enrolled.CertificateExpiresAt,
                    RenewalStatus = "ok",
                    SensorApiUrl = enrolled.SensorApiUrl,
                    HeartbeatIntervalSeconds = enrolled.HeartbeatIntervalSeconds,
                    EnrolledAt = DateTimeOffset.UtcNow,
                });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogWriteFailed(logger, state.Path, e.Message);
                return ExitCodes.LocalError;
            }

            LogEnrolled(logger, enrolled.TenantId, enrolled.SensorId, enrolled.CertificateExpiresAt, state.Path);
            return ExitCodes.Ok;
        }
    }

    private static string? ProbeWritable(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".probe-{Guid.NewGuid():N}");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    /// <summary>The state, or null when absent or unreadable (then the host enrolls anew).</summary>
    internal static AgentState? SafeLoad(StateDirectory state)
    {
        try
        {
            return state.Load();
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Already enrolled as {TenantId}/{SensorId} (state in {StateDir}); nothing to do")]
    private static partial void LogAlreadyEnrolled(ILogger logger, string tenantId, string sensorId, string stateDir);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot read the CA file {CaFile}: {Reason}")]
    private static partial void LogBadCaFile(ILogger logger, string caFile, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot reach the control plane at {Url}: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, Uri url, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Enrollment refused ({Status} {Code}): {Detail}")]
    private static partial void LogRefused(ILogger logger, int status, string code, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "The state directory {StateDir} cannot be written: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, string stateDir, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Enrolled as {TenantId}/{SensorId}; certificate valid until {NotAfter}; state in {StateDir}")]
    private static partial void LogEnrolled(ILogger logger, string tenantId, string sensorId, DateTimeOffset notAfter, string stateDir);
}
