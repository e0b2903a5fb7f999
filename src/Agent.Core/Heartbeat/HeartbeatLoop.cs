using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using RavenXcope.Common;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Agent;

/// <summary>
/// Heartbeats over the shared mTLS channel at the interval the control plane gives (jittered), renews when due or
/// when the operator moved the renewal generation, and keeps going through a control-plane outage. Stops for good
/// only when the sensor is revoked. The trust record is kept in memory and written only when an answer changes it.
/// </summary>
public sealed partial class HeartbeatLoop(
    StateDirectory directory, SensorLink link, TrustRecord record, ControlLoop? control, AgentOptions options, IAgentObserver observer, TimeProvider time, ILogger logger)
{
    /// <summary>What the heartbeat reports as the agent's own state.</summary>
    private const string AgentState = "running";

    /// <summary>The longest wait between two heartbeat or renewal attempts.</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);

    /// <summary>Runs until cancelled or revoked.</summary>
    public async Task<AgentExit> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await LoopAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped while a request was on its way (SIGTERM during a heartbeat or renewal).
            LogStopped(logger);
            return AgentExit.Stopped;
        }
    }

    private async Task<AgentExit> LoopAsync(CancellationToken cancellationToken)
    {
        Backoff? heartbeatBackoff = null;
        Backoff? renewalBackoff = null;
        var renewNotBefore = DateTimeOffset.MinValue;
        var refusedSinceSuccess = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            var state = record.Current;

            // Failures back off from the heartbeat interval to 5 minutes; the interval the control plane
            // gives is taken up between failures only, so a backoff under way keeps growing.
            var interval = TimeSpan.FromSeconds(Math.Max(1, state.HeartbeatIntervalSeconds)) / options.TimeScale;
            if (heartbeatBackoff is null || (heartbeatBackoff.Failures == 0 && heartbeatBackoff.Initial != interval))
            {
                heartbeatBackoff = new Backoff(interval, MaxRetryDelay < interval ? interval : MaxRetryDelay);
            }

            if (renewalBackoff is null || (renewalBackoff.Failures == 0 && renewalBackoff.Initial != interval))
            {
                renewalBackoff = new Backoff(interval, MaxRetryDelay < interval ? interval : MaxRetryDelay);
            }

            var started = time.GetTimestamp();
            var beat = await link.Channel.HeartbeatAsync(AgentState, state.TrustState, cancellationToken);
            observer.Heartbeat(time.GetElapsedTime(started), beat.Status, beat.Code, beat.Detail);
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
                    var renewed = await RenewAsync(state, reply.RenewalGeneration, cancellationToken);
                    if (renewed is null)
                    {
                        return AgentExit.NotEnrolled;
                    }

                    state = renewed;
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

                Save(state);
                wait = Jitter(TimeSpan.FromSeconds(Math.Max(1, state.HeartbeatIntervalSeconds)) / options.TimeScale);
            }
            else if (beat.Code == ProblemCodes.SensorRevoked.Code)
            {
                Save(state with { TrustState = "trust_revoked" });
                LogRevoked(logger, state.TenantId, state.SensorId);
                return AgentExit.Revoked;
            }
            else
            {
                refusedSinceSuccess |= !beat.IsUnreachable;

                // A disabled sensor is answered at once by a working control plane: asking again at the
                // heartbeat interval costs no more than a live sensor does, and notices an enable within one
                // interval. Outages and other refusals back off, to 5 minutes.
                wait = beat.Code == ProblemCodes.SensorDisabled.Code ? Jitter(interval) : heartbeatBackoff.Failed();
                if (beat.RetryAfter is { } asked && asked > wait)
                {
                    wait = asked < heartbeatBackoff.Cap ? asked : heartbeatBackoff.Cap;
                }

                LogHeartbeatFailed(logger, beat.Status, beat.Code ?? "unknown", beat.Detail ?? string.Empty, heartbeatBackoff.Failures, wait);
                if (beat.Code == ProblemCodes.CertificateExpired.Code)
                {
                    Save(state with { TrustState = "expired" });
                }
            }

            await Task.Delay(wait, time, cancellationToken);
        }

        LogStopped(logger);
        return AgentExit.Stopped;
    }

    /// <summary>
    /// Renews on the current identity's channel and moves the link to the new identity; returns the new record, the
    /// old one with a failed renewal status, or null when the identity on disk is unusable afterwards.
    /// </summary>
    private async Task<AgentState?> RenewAsync(AgentState state, int generation, CancellationToken cancellationToken)
    {
        var (key, csr) = LocalKeys.NewKeyAndCsr(Environment.MachineName);
        using (key)
        {
            var answer = await link.Channel.RenewAsync(csr, cancellationToken);
            if (!answer.IsSuccess)
            {
                LogRenewalFailed(logger, answer.Status, answer.Code ?? "unknown", answer.Detail ?? string.Empty);
                return state with { RenewalStatus = $"failed: {answer.Code ?? "unreachable"}" };
            }

            try
            {
                // Previous identity first, then the new key, then the new certificate: a crash in between
                // leaves a key and certificate that do not match, which reads as "enroll again".
                directory.KeepPrevious();
                directory.SaveIdentity(key.ExportPkcs8PrivateKeyPem(), answer.Value!.CertificatePem, answer.Value.CaCertificatePem);
                link.Reload();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                LogIdentityBroken(logger, directory.Path, e.Message);
                return null;
            }

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

    private void Save(AgentState state)
    {
        try
        {
            if (record.Update(state))
            {
                observer.TrustRecordWritten();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogSaveFailed(logger, directory.StateFile, e.Message);
        }
    }

    private static TimeSpan Jitter(TimeSpan interval) =>
        interval * (0.9 + (Random.Shared.NextDouble() * 0.2));
}
