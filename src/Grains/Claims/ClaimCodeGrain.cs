using Orleans.Storage;
using RavenXcope.Grains.Certificates;
using RavenXcope.Grains.Model;
using RavenXcope.Grains.State;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Grains.Claims;

/// <inheritdoc cref="IClaimCodeGrain"/>
[GrainType("claim-code")]
[CollectionAgeLimit(Minutes = 2)] // used once or twice in its life: issued, then redeemed
public sealed partial class ClaimCodeGrain(
    [PersistentState("claimCode", StorageNames.Default)] IPersistentState<ClaimCodeState> state,
    TrustPolicy policy,
    TimeProvider time,
    Audit.AuditTrail audit,
    ILogger<ClaimCodeGrain> logger) : Grain, IClaimCodeGrain
{
    private static readonly Result<IssuedCertificate> Refused =
        Result<IssuedCertificate>.Fail(ProblemCodes.EnrollmentRefused, "the claim code is not valid");

    /// <inheritdoc />
    public async Task IssueAsync(string tenantId, string sensorId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        if (state.State.Status != ClaimCodeStatus.None)
        {
            // 160 random bits do not collide; a second issue of one digest is a bug, never a reissue.
            throw new InvalidOperationException("this claim code was issued before");
        }

        state.State.Status = ClaimCodeStatus.Issued;
        state.State.TenantId = tenantId;
        state.State.SensorId = sensorId;
        state.State.IssuedAt = time.GetUtcNow();
        state.State.ExpiresAt = expiresAt;
        await state.WriteOrResetAsync(this, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Result<IssuedCertificate>> RedeemAsync(string csrPem, HostMetadata host, CancellationToken cancellationToken = default)
    {
        // The CSR is judged in full (its signature included) before the code is looked at, so that its answer
        // says nothing about the code; this is the one signature check of an enrollment.
        var (csr, csrRefusal) = CsrInspector.Inspect(csrPem);
        if (csrRefusal is not null)
        {
            LogRefused(logger, csrRefusal.Code);
            return Result<IssuedCertificate>.Fail(csrRefusal);
        }

        var keyFingerprint = csr!.KeyFingerprint;
        if (state.State.Status == ClaimCodeStatus.None)
        {
            LogRefused(logger, "code_unknown");
            return Refused;
        }

        var now = time.GetUtcNow();
        var outcome = ClaimCodeMachine.Redeem(state.State.Status, state.State.ExpiresAt, state.State.RedeemedKeyFingerprint, state.State.RedeemedAt, keyFingerprint, now, policy);
        if (outcome.Changed)
        {
            state.State.Status = outcome.State;
            if (outcome.State == ClaimCodeStatus.Redeemed)
            {
                state.State.RedeemedAt = now;
                state.State.RedeemedKeyFingerprint = keyFingerprint;
            }

            try
            {
                // Persisted before anything is issued: if two activations race, one write wins.
                await state.WriteOrResetAsync(this, cancellationToken);
            }
            catch (InconsistentStateException)
            {
                LogRefused(logger, "lost_race");
                DeactivateOnIdle();
                return Refused;
            }
        }

        if (outcome.IsRefused)
        {
            LogRefused(logger, RefusalReason(state.State.Status));
            await AuditRefusalAsync(state.State.Status.ToString().ToLowerInvariant());
            return Refused;
        }

        var sensor = GrainFactory.Sensor(state.State.TenantId, state.State.SensorId);
        var issued = await sensor.EnrollAsync(csrPem, this.GetPrimaryKeyString()[2..], host, cancellationToken);
        if (!issued.IsSuccess)
        {
            LogRefused(logger, issued.ErrorCode!);
            await AuditRefusalAsync(issued.ErrorCode!);
            return Refused;
        }

        Telemetry.ControlPlaneMetrics.EnrollmentAccepted();

        // A redeemed code is done: its memory goes now rather than at idle collection (a retry within the
        // retry window reads the stored redemption back).
        DeactivateOnIdle();
        return issued;
    }

    /// <inheritdoc />
    public Task<ClaimCodeSnapshot> GetState() => Task.FromResult(state.State.Status == ClaimCodeStatus.None
        ? new ClaimCodeSnapshot(ClaimCodeStatus.None, null, null, null, null)
        : new ClaimCodeSnapshot(state.State.Status, state.State.TenantId, state.State.SensorId, state.State.ExpiresAt, state.State.RedeemedAt));

    /// <inheritdoc />
    public async Task WithdrawAsync(CancellationToken cancellationToken = default)
    {
        var outcome = ClaimCodeMachine.Withdraw(state.State.Status);
        if (outcome.Changed)
        {
            state.State.Status = outcome.State;
            await state.WriteOrResetAsync(this, cancellationToken);
        }
    }

    // A refused enrollment of a known code is a trust event of that code's tenant (unknown codes have none).
    private Task AuditRefusalAsync(string reason) =>
        audit.RecordAsync(state.State.TenantId, new AuditEvent("enrollment", "sensor.enroll", AuditEvent.Sensor(state.State.SensorId), "refused", reason));

    // The refusal's reason in the metrics' words: snake_case, like the problem codes a grain refuses with.
    private static string RefusalReason(ClaimCodeStatus status) => status switch
    {
        ClaimCodeStatus.None => "code_unknown",
        _ => $"code_{status.ToString().ToLowerInvariant()}",
    };

    private static void LogRefused(ILogger logger, string reason)
    {
        Telemetry.ControlPlaneMetrics.EnrollmentRefused(reason);
        LogRefusedMessage(logger, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Enrollment refused ({Reason})")]
    private static partial void LogRefusedMessage(ILogger logger, string reason);
}
