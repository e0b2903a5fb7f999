using RavenXcope.Grains.Certificates;
using RavenXcope.Grains.Model;
using RavenXcope.Grains.State;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Grains.Sensors;

/// <summary>Enrollment, renewal and the per-request certificate check.</summary>
public sealed partial class SensorGrain
{

    /// <inheritdoc />
    public async Task<Result<IssuedCertificate>> EnrollAsync(string csrPem, string claimCodeDigest, HostMetadata host, CancellationToken cancellationToken = default)
    {
        // Reached only through the claim code grain, which has checked the CSR's signature.
        var (csr, csrRefusal) = CsrInspector.Inspect(csrPem, verifySignature: false);
        if (csr is null)
        {
            return Result<IssuedCertificate>.Fail(csrRefusal!);
        }

        // A retry of the enrollment that already succeeded (same code, same key) gets the same certificate.
        if (S.Lifecycle == SensorLifecycle.Enrolled && S.Current is { } current
            && current.ClaimCodeDigest == claimCodeDigest && current.KeyFingerprint == csr.KeyFingerprint)
        {
            return Result<IssuedCertificate>.Ok(ToIssued(current));
        }

        if (!S.Exists || S.PendingClaimCodeDigest != claimCodeDigest)
        {
            return Result<IssuedCertificate>.Fail(ProblemCodes.EnrollmentRefused, "the claim code is not this sensor's current code");
        }

        var outcome = SensorLifecycleMachine.Enroll(S.Lifecycle);
        if (outcome.Refusal is { } refusal)
        {
            return Result<IssuedCertificate>.Fail(refusal);
        }

        var now = time.GetUtcNow();
        if (S.Lifecycle == SensorLifecycle.Revoked)
        {
            RetireRevokedIdentity();
        }

        var record = Issue(csr, now);
        record.ClaimCodeDigest = claimCodeDigest;
        S.Current = record;
        S.Lifecycle = outcome.State;
        S.PendingClaimCodeDigest = null;
        S.Host = host;
        S.UpdatedAt = now;
        await PersistAsync(cancellationToken);
        LogEnrolled(logger, S.TenantId, S.SensorId, record.Serial, record.NotAfter);
        await AuditAsync("sensor.enroll", "done", $"certificate {record.Serial}", cancellationToken, SelfActor);
        return Result<IssuedCertificate>.Ok(ToIssued(record));
    }

    /// <inheritdoc />
    public Task<CertificateVerdict> CheckCertificateAsync(string serial, CancellationToken cancellationToken = default)
    {
        if (!S.Exists)
        {
            return Task.FromResult(new CertificateVerdict(false, ProblemCodes.CertificateNotCurrent.Code, "no such sensor", false));
        }

        var refusal = CertificateGate.Check(S, serial, time.GetUtcNow(), out var isPrevious);
        return Task.FromResult(refusal is null
            ? new CertificateVerdict(true, null, null, isPrevious)
            : new CertificateVerdict(false, refusal.Code, refusal.Detail, false));
    }

    /// <inheritdoc />
    public Task<Result<HeartbeatReply>> HeartbeatAsync(SensorHeartbeat heartbeat, CancellationToken cancellationToken = default)
    {
        // No await in here: this call interleaves with other turns (see ISensorGrain), so it must not write.
        var now = time.GetUtcNow();
        var refusal = S.Exists
            ? CertificateGate.Check(S, heartbeat.CertificateSerial, now, out _)
            : new Refusal(ProblemCodes.CertificateNotCurrent, "no such sensor");
        if (refusal is not null)
        {
            if (S.Exists && FirstOfRefusals("sensor.heartbeat", refusal.Code))
            {
                AuditInBackground("sensor.heartbeat", "refused", refusal.Code, SelfActor);
            }

            return Task.FromResult(Result<HeartbeatReply>.Fail(refusal));
        }

        _refusalsRecorded.Remove("sensor.heartbeat");
        _lastHeartbeatAt = now;

        // The reminder moves trust at its thresholds; a heartbeat that arrives first answers with the new state and
        // has it persisted by a turn of its own (a transition, not traffic: at most a few writes per certificate).
        var trust = TrustEvaluator.Evaluate(S.Lifecycle, S.Current?.NotAfter, now, policy);
        if (trust != S.TrustState)
        {
            this.AsReference<ISensorGrain>().RefreshTrustAsync().Ignore();
        }

        return Task.FromResult(Result<HeartbeatReply>.Ok(new HeartbeatReply(
            trust,
            S.RenewalGeneration,
            (int)policy.HeartbeatInterval.TotalSeconds,
            S.Current!.NotAfter,
            RenewNow: trust is TrustState.RenewalDue or TrustState.Expired)));
    }

    /// <inheritdoc />
    public async Task<Result<IssuedCertificate>> RenewAsync(string presentedSerial, string csrPem, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var refusal = S.Exists
            ? CertificateGate.Check(S, presentedSerial, now, out _)
            : new Refusal(ProblemCodes.CertificateNotCurrent, "no such sensor");
        refusal ??= SensorLifecycleMachine.Renew(S.Lifecycle).Refusal;
        if (refusal is not null)
        {
            if (S.Exists && FirstOfRefusals("certificate.renew", refusal.Code))
            {
                await AuditAsync("certificate.renew", "refused", refusal.Code, cancellationToken, SelfActor);
            }

            return Result<IssuedCertificate>.Fail(refusal);
        }

        var (csr, csrRefusal) = CsrInspector.Inspect(csrPem);
        if (csr is null)
        {
            return Result<IssuedCertificate>.Fail(csrRefusal!);
        }

        if (csr.KeyFingerprint == S.Current!.KeyFingerprint || csr.KeyFingerprint == S.Previous?.KeyFingerprint)
        {
            return Result<IssuedCertificate>.Fail(ProblemCodes.CsrKeyReused, "a renewal needs a new key pair");
        }

        var record = Issue(csr, now);
        S.Previous = S.Current;
        S.PreviousAcceptedUntil = now + policy.RenewalOverlap;
        S.Current = record;
        S.UpdatedAt = now;
        _refusalsRecorded.Remove("certificate.renew");
        await PersistAsync(cancellationToken);
        LogRenewed(logger, S.TenantId, S.SensorId, record.Serial, record.NotAfter);
        await AuditAsync("certificate.renew", "done", $"certificate {record.Serial}", cancellationToken, SelfActor);
        return Result<IssuedCertificate>.Ok(ToIssued(record));
    }

    /// <summary>
    /// Before a revoked sensor enrolls again: its identity goes to the history, and nothing of it stays current, so its
    /// certificates match neither the current nor a previous one and its NATS user is not this sensor's any more.
    /// </summary>
    private void RetireRevokedIdentity()
    {
        if (S.Current is { } revoked)
        {
            S.RetiredIdentities.Add(new RetiredIdentity
            {
                Serial = revoked.Serial,
                CertificateIssuedAt = revoked.IssuedAt ?? revoked.NotBefore,
                RevokedAt = S.RevokedAt ?? S.UpdatedAt,
                NatsUserPublicKey = S.NatsUserPublicKey,
            });
        }

        S.Previous = null;
        S.PreviousAcceptedUntil = null;
        S.NatsUserPublicKey = null;
        S.NatsUserIssuedAt = null;
        _lastHeartbeatAt = null;
        _lastStatusAt = null;
        ForgetSuricata();
    }

    private CertificateRecord Issue(ValidCsr csr, DateTimeOffset now)
    {
        var issued = authority.IssueSensorCertificate(csr.PublicKey, S.TenantId, S.SensorId, now, policy.CertificateLifetime);
        return new CertificateRecord
        {
            Serial = issued.Serial,
            Fingerprint = issued.Fingerprint,
            KeyFingerprint = csr.KeyFingerprint,
            NotBefore = issued.NotBefore,
            NotAfter = issued.NotAfter,
            CertificatePem = issued.CertificatePem,
            IssuedAt = now,
        };
    }

    private IssuedCertificate ToIssued(CertificateRecord record) => new(
        S.TenantId, S.SensorId, record.CertificatePem, authority.CertificatePem, record.NotAfter, record.Serial,
        (int)policy.HeartbeatInterval.TotalSeconds);
}
