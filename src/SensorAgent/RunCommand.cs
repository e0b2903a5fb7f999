using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using RavenXcope.Common;

namespace RavenXcope.SensorAgent;

/// <summary>
/// <c>ravenxcope-sensor run</c>: heartbeats over mTLS at the interval the control plane gives (jittered),
/// renews when due or when the operator moved the renewal generation, and keeps going through a
/// control-plane outage. Stops for good only when the sensor is revoked.
/// </summary>
public sealed partial class RunCommand(ILogger<RunCommand> logger, TimeProvider time, ControlLoop? control = null)
{
    private sealed record HeartbeatResponse(string TrustState, int RenewalGeneration, int HeartbeatIntervalSeconds, DateTimeOffset CertificateExpiresAt, bool RenewNow);

    private sealed record RenewResponse(string CertificatePem, string CaCertificatePem, DateTimeOffset CertificateExpiresAt);

    /// <summary>Runs until cancelled or revoked; returns an exit code.</summary>
    public async Task<int> RunAsync(StateDirectory directory, Uri? sensorApiOverride, string agentState, CancellationToken cancellationToken)
    {
        using var stopControl = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var controlTask = control is null ? Task.CompletedTask : Task.Run(() => control.RunAsync(stopControl.Token), CancellationToken.None);
        try
        {
            return await HeartbeatLoopAsync(directory, sensorApiOverride, agentState, cancellationToken);
        }
        finally
        {
            await stopControl.CancelAsync();
            await controlTask;
        }
    }

    private async Task<int> HeartbeatLoopAsync(StateDirectory directory, Uri? sensorApiOverride, string agentState, CancellationToken cancellationToken)
    {
        Backoff? heartbeatBackoff = null;
        Backoff? renewalBackoff = null;
        var renewNotBefore = DateTimeOffset.MinValue;
        var refusedSinceSuccess = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            var state = EnrollCommand.SafeLoad(directory);
            if (state is null)
            {
                LogNotEnrolled(logger, directory.Path);
                return ExitCodes.NotEnrolled;
            }

            // Failures back off from the heartbeat interval to 5 minutes; the interval the control plane
            // gives is taken up between failures only, so a backoff under way keeps growing.
            var interval = TimeSpan.FromSeconds(Math.Max(1, state.HeartbeatIntervalSeconds));
            if (heartbeatBackoff is null || (heartbeatBackoff.Failures == 0 && heartbeatBackoff.Initial != interval))
            {
                heartbeatBackoff = new Backoff(interval, MaxRetryDelay < interval ? interval : MaxRetryDelay);
            }

            if (renewalBackoff is null || (renewalBackoff.Failures == 0 && renewalBackoff.Initial != interval))
            {
                renewalBackoff = new Backoff(interval, MaxRetryDelay < interval ? interval : MaxRetryDelay);
            }

            X509Certificate2 identity, ca;
            try
            {
                identity = LocalKeys.LoadIdentity(directory.CertificateFile, directory.KeyFile);
                ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(directory.CaFile, cancellationToken));
            }
            catch (Exception e) when (e is IOException or CryptographicException or ArgumentException)
            {
                // A crash between the key and certificate writes leaves them apart: enroll again.
                LogIdentityBroken(logger, directory.Path, e.Message);
                return ExitCodes.NotEnrolled;
            }

            var url = sensorApiOverride ?? new Uri(state.SensorApiUrl);
            using (identity)
            using (ca)
            using (var client = new ControlPlaneClient(url, ca, identity, TimeSpan.FromSeconds(15)))
            {
                var beat = await client.PostAsync<HeartbeatResponse>(
                    "/sensor/v1/heartbeat", new { agentState, trustState = state.TrustState, agentVersion = HostInfo.Version }, cancellationToken);
                TimeSpan wait;
                if (beat.IsSuccess)
                {
                    heartbeatBackoff.Succeeded();
                    var reply = beat.Value!;
                    state = state with { TrustState = reply.TrustState, CertificateExpiresAt = reply.CertificateExpiresAt, HeartbeatIntervalSeconds = reply.HeartbeatIntervalSeconds };
                    if (control is not null)
                    {
                        control.TrustState = reply.TrustState;
                        if (refusedSinceSuccess)
                        {
                            // Accepted again (enabled after a disable): the control loop asks for credentials
                            // now rather than at the end of its backoff.
                            LogAcceptedAgain(logger);
                            control.Wake();
                        }
                    }

                    refusedSinceSuccess = false;
                    if ((reply.RenewNow || reply.RenewalGeneration > state.RenewalGeneration) && time.GetUtcNow() >= renewNotBefore)
                    {
                        LogRenewing(logger, reply.TrustState, reply.RenewalGeneration);
                        state = await RenewAsync(client, directory, state, reply.RenewalGeneration, cancellationToken);
                        if (state.RenewalStatus == "ok")
                        {
                            renewalBackoff.Succeeded();
                            renewNotBefore = DateTimeOffset.MinValue;
                        }
                        else
                        {
                            var renewWait = renewalBackoff.Failed();
                            renewNotBefore = time.GetUtcNow() + renewWait;
                            LogRenewalRetry(logger, renewWait);
                        }
                    }

                    Save(directory, state);
                    wait = Jitter(TimeSpan.FromSeconds(state.HeartbeatIntervalSeconds));
                }
                else if (beat.Code == "sensor_revoked")
                {
                    Save(directory, state with { TrustState = "trust_revoked" });
                    LogRevoked(logger, state.TenantId, state.SensorId);
                    return ExitCodes.Revoked;
                }
                else
                {
                    refusedSinceSuccess |= !beat.IsUnreachable;

                    // A disabled sensor is answered at once by a working control plane: asking again at the
                    // heartbeat interval costs no more than a live sensor does, and notices an enable within one
                    // interval. Outages and other refusals back off, to 5 minutes.
                    wait = beat.Code == "sensor_disabled" ? Jitter(interval) : heartbeatBackoff.Failed();
                    if (beat.RetryAfter is { } asked && asked > wait)
                    {
                        wait = asked < heartbeatBackoff.Cap ? asked : heartbeatBackoff.Cap;
                    }

                    LogHeartbeatFailed(logger, beat.Status, beat.Code ?? "unknown", beat.Detail ?? string.Empty, heartbeatBackoff.Failures, wait);
                    if (beat.Code is "certificate_expired" && state.TrustState != "expired")
                    {
                        Save(directory, state with { TrustState = "expired" });
                    }
                }

                try
                {
                    await Task.Delay(wait, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        LogStopped(logger);
        return ExitCodes.Ok;
    }

    private async Task<AgentState> RenewAsync(ControlPlaneClient client, StateDirectory directory, AgentState state, int generation, CancellationToken cancellationToken)
    {
        var (key, csr) = LocalKeys.NewKeyAndCsr(Environment.MachineName);
        using (key)
        {
            var answer = await client.PostAsync<RenewResponse>("/sensor/v1/renew", new { csrPem = csr }, cancellationToken);
            if (!answer.IsSuccess)
            {
                LogRenewalFailed(logger, answer.Status, answer.Code ?? "unknown", answer.Detail ?? string.Empty);
                return state with { RenewalStatus = $"failed: {answer.Code ?? "unreachable"}" };
            }

            // Previous identity first, then the new key, then the new certificate: a crash in between
            // leaves a key and certificate that do not match, which reads as "enroll again".
            directory.KeepPrevious();
            directory.SaveIdentity(key.ExportPkcs8PrivateKeyPem(), answer.Value!.CertificatePem, answer.Value.CaCertificatePem);
            LogRenewed(logger, answer.Value.CertificateExpiresAt);
            return state with
            {
                TrustState = "trusted",
                CertificateExpiresAt = answer.Value.CertificateExpiresAt,
                RenewalStatus = "ok",
                RenewalGeneration = generation,
            };
        }
    }

    private void Save(StateDirectory directory, AgentState state)
    {
        try
        {
            directory.Save(state);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogSaveFailed(logger, directory.StateFile, e.Message);
        }
    }

    /// <summary>The longest wait between two heartbeat or renewal attempts.</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);

    private static TimeSpan Jitter(TimeSpan interval) =>
        interval * (0.9 + (Random.Shared.NextDouble() * 0.2));

    [LoggerMessage(Level = LogLevel.Error, Message = "Not enrolled (no trust record in {StateDir}); run: ravenxcope-sensor enroll --code <code> --url <url>")]
    private static partial void LogNotEnrolled(ILogger logger, string stateDir);

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
