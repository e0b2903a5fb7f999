using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using RavenXcope.Common;
using RavenXcope.Protocol;
using RavenXcope.Protocol.Sensors;

namespace RavenXcope.Agent;

/// <summary>How an enrollment ended.</summary>
public enum EnrollOutcome
{
    /// <summary>Enrolled: identity and trust record written.</summary>
    Enrolled,

    /// <summary>Already enrolled (and not revoked): nothing done.</summary>
    AlreadyEnrolled,

    /// <summary>The CA file given cannot be read.</summary>
    BadCaFile,

    /// <summary>The claim code is not shaped like one (refused before any request).</summary>
    MalformedCode,

    /// <summary>The control plane's CA (or the CA file) is not the one the claim code's fingerprint names.</summary>
    CaMismatch,

    /// <summary>The state directory cannot be written.</summary>
    LocalError,

    /// <summary>The control plane could not be reached, or its certificate is not trusted.</summary>
    Unreachable,

    /// <summary>The control plane refused the claim code or the CSR.</summary>
    Refused,

    /// <summary>The control plane answered with an unexpected error.</summary>
    ServerError,
}

/// <summary>
/// Enrollment with a claim code, the one onboarding entry point: the key is made here and never leaves the host;
/// key, certificate, CA and trust record are written in the order that makes a crash harmless.
/// </summary>
public sealed partial class Enrollment(ILogger logger)
{
    /// <summary>How many times a transient failure of the enrollment request is retried in one run.</summary>
    private const int MaxEnrollRetries = 4;

    /// <summary>The longest Retry-After honoured before the next attempt.</summary>
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Enrolls the host of <paramref name="state"/> at <paramref name="url"/>, trusting the CA in <paramref name="caFile"/>
    /// (the system's roots when null). <paramref name="host"/> is the metadata sent (detected on this host when null);
    /// <paramref name="client"/> a client to <paramref name="url"/> to use instead of a new one (the fleet simulator
    /// enrolls many hosts over kept-alive connections, so that it measures enrollment and not TLS handshakes).
    /// </summary>
    public async Task<EnrollOutcome> RunAsync(
        string code, Uri url, string? caFile, StateDirectory state, CancellationToken cancellationToken, HostInfo? host = null, ControlPlaneClient? client = null)
    {
        // Before anything else, and never echoed: a code cut when it was copied is said so here, not by a refusal.
        if (!JoinCode.TryParse(code, out var joinCode, out var malformed))
        {
            LogMalformedCode(logger, malformed);
            return EnrollOutcome.MalformedCode;
        }

        var existing = state.SafeLoad();
        if (existing is not null && existing.TrustState != "trust_revoked")
        {
            LogAlreadyEnrolled(logger, existing.TenantId, existing.SensorId, state.Path);
            return EnrollOutcome.AlreadyEnrolled;
        }

        // Checked before the code is spent: a code redeemed into an unwritable directory is lost.
        if (ProbeWritable(state.Path) is { } problem)
        {
            LogWriteFailed(logger, state.Path, problem);
            return EnrollOutcome.LocalError;
        }

        X509Certificate2? ca = null;
        if (caFile is not null && client is null)
        {
            try
            {
                ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(caFile, cancellationToken));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                LogBadCaFile(logger, caFile, e.Message);
                return EnrollOutcome.BadCaFile;
            }

            if (joinCode.CaFingerprint is { } pinned && !CaDiscovery.Matches(ca, pinned))
            {
                LogCaMismatch(logger, $"the CA file {caFile} (SHA-256 {JoinCode.FingerprintOf(ca)}) is not the CA the claim code names (SHA-256 {pinned}); nothing was sent");
                ca.Dispose();
                return EnrollOutcome.CaMismatch;
            }
        }
        else if (joinCode.CaFingerprint is { } fingerprint && client is null)
        {
            var discovered = await DiscoverCaAsync(url, fingerprint, cancellationToken);
            if (discovered.Ca is null)
            {
                if (discovered.Unreachable)
                {
                    LogUnreachable(logger, url, discovered.Problem!);
                    return EnrollOutcome.Unreachable;
                }

                LogCaMismatch(logger, discovered.Problem!);
                return EnrollOutcome.CaMismatch;
            }

            ca = discovered.Ca;
            LogCaPinned(logger, ca.Subject, fingerprint);
        }

        host ??= HostInfo.Detect(url);
        ECDsa key;
        string csr;
        try
        {
            (key, csr) = PendingKeyAndCsr(state, host.Hostname);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(logger, state.Path, e.Message);
            return EnrollOutcome.LocalError;
        }

        using (key)
        using (ca)
        using (var own = client is null ? new ControlPlaneClient(url, ca, clientCertificate: null) : null)
        {
            var http = client ?? own!;
            var body = new EnrollRequest(joinCode.ClaimCode, csr, host.Hostname, host.OsInfo, host.Architecture, host.AgentVersion, host.SensorIp, host.Interfaces);

            // A lost answer (connection reset, gateway or silo restarting) is retried with the same CSR:
            // the control plane answers a retry with the same code and key with the same certificate.
            var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(16));
            var answer = await http.PostAsync("/api/v1/enroll", body, ProtocolJson.Default.EnrollRequest, ProtocolJson.Default.EnrollResponse, cancellationToken);
            while (answer.IsTransient && backoff.Failures < MaxEnrollRetries)
            {
                var wait = backoff.Failed();
                if (answer.RetryAfter is { } asked && asked > wait)
                {
                    wait = asked < MaxRetryAfter ? asked : MaxRetryAfter;
                }

                LogRetrying(logger, answer.Status, answer.Code ?? "unknown", answer.Detail ?? string.Empty, wait);
                await Task.Delay(wait, cancellationToken);
                answer = await http.PostAsync("/api/v1/enroll", body, ProtocolJson.Default.EnrollRequest, ProtocolJson.Default.EnrollResponse, cancellationToken);
            }

            if (answer.IsUnreachable)
            {
                LogUnreachable(logger, url, answer.Detail ?? "no answer");
                return EnrollOutcome.Unreachable;
            }

            if (!answer.IsSuccess)
            {
                LogRefused(logger, answer.Status, answer.Code ?? "unknown", answer.Detail ?? string.Empty);
                return answer.Status is 403 or 400 or 409 ? EnrollOutcome.Refused : EnrollOutcome.ServerError;
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
                return EnrollOutcome.LocalError;
            }

            // Only now is the pending key the identity: a later enrollment (a new code) starts afresh.
            File.Delete(state.EnrollCsrFile);
            File.Delete(state.EnrollKeyFile);
            LogEnrolled(logger, enrolled.TenantId, enrolled.SensorId, enrolled.CertificateExpiresAt, state.Path);
            return EnrollOutcome.Enrolled;
        }
    }

    // The CA chain, fetched with the retries an enrollment gets: a gateway restarting does not fail a join.
    private async Task<PinnedCa> DiscoverCaAsync(Uri url, string fingerprint, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(16));
        var found = await CaDiscovery.PinAsync(url, fingerprint, cancellationToken);
        while (found.Unreachable && backoff.Failures < MaxEnrollRetries)
        {
            var wait = backoff.Failed();
            LogRetrying(logger, 0, "unreachable", found.Problem!, wait);
            await Task.Delay(wait, cancellationToken);
            found = await CaDiscovery.PinAsync(url, fingerprint, cancellationToken);
        }

        return found;
    }

    /// <summary>
    /// The key and CSR of this host's enrollment: made once, kept (0600, written atomically, key first) until
    /// an enrollment succeeds, so a run whose answer was lost, and any run after it, sends the same CSR.
    /// </summary>
    public static (ECDsa Key, string CsrPem) PendingKeyAndCsr(StateDirectory state, string hostname)
    {
        if (File.Exists(state.EnrollKeyFile) && File.Exists(state.EnrollCsrFile))
        {
            var key = ECDsa.Create();
            try
            {
                key.ImportFromPem(File.ReadAllText(state.EnrollKeyFile));
                var csrPem = File.ReadAllText(state.EnrollCsrFile);
                var request = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
                using var csrKey = request.PublicKey.GetECDsaPublicKey();
                if (csrKey is not null && csrKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
                {
                    return (key, csrPem);
                }
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                // Unreadable or mismatched (a crash between the two writes): made anew below.
            }

            key.Dispose();
        }

        var (fresh, csr) = LocalKeys.NewKeyAndCsr(hostname);
        Directory.CreateDirectory(state.Path);
        SecretFiles.WriteAtomically(state.EnrollKeyFile, fresh.ExportPkcs8PrivateKeyPem(), secret: true);
        SecretFiles.WriteAtomically(state.EnrollCsrFile, csr, secret: true);
        return (fresh, csr);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Already enrolled as {TenantId}/{SensorId} (state in {StateDir}); nothing to do")]
    private static partial void LogAlreadyEnrolled(ILogger logger, string tenantId, string sensorId, string stateDir);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot read the CA file {CaFile}: {Reason}")]
    private static partial void LogBadCaFile(ILogger logger, string caFile, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The claim code is malformed: {Problem}; nothing was sent")]
    private static partial void LogMalformedCode(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refusing to enroll: {Reason}")]
    private static partial void LogCaMismatch(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The control plane's CA {Subject} has the fingerprint the claim code names (SHA-256 {Fingerprint}): trusting it")]
    private static partial void LogCaPinned(ILogger logger, string subject, string fingerprint);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot reach the control plane at {Url}: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, Uri url, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Enrollment not answered ({Status} {Code}: {Detail}); retrying with the same CSR in {Wait}")]
    private static partial void LogRetrying(ILogger logger, int status, string code, string detail, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Error, Message = "Enrollment refused ({Status} {Code}): {Detail}")]
    private static partial void LogRefused(ILogger logger, int status, string code, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "The state directory {StateDir} cannot be written: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, string stateDir, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Enrolled as {TenantId}/{SensorId}; certificate valid until {NotAfter}; state in {StateDir}")]
    private static partial void LogEnrolled(ILogger logger, string tenantId, string sensorId, DateTimeOffset notAfter, string stateDir);
}
