using RavenXcope.Grains.Audit;
using RavenXcope.Grains.Certificates;
using RavenXcope.Grains.Model;
using RavenXcope.Grains.State;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Grains.Sensors;

/// <summary>
/// A sensor: lifecycle, certificates and trust. Every command validates, transitions (pure state
/// machines in <see cref="Domain"/>), persists, and only then has side effects (read model, reminders,
/// claim codes). Heartbeats are kept in memory and never written.
/// </summary>
[GrainType("sensor")]
public sealed partial class SensorGrain(
    [PersistentState("sensor", StorageNames.Default)] IPersistentState<SensorState> state,
    CertificateAuthority authority,
    IFleetDirectory directory,
    TrustPolicy policy,
    TimeProvider time,
    AuditTrail audit,
    ILogger<SensorGrain> logger) : Grain, ISensorGrain, IRemindable
{
    private DateTimeOffset? _lastHeartbeatAt;

    // The refusal each agent request last recorded in the audit chain (see FirstOfRefusals); memory only.
    private readonly Dictionary<string, string> _refusalsRecorded = new(StringComparer.Ordinal);

    private SensorState S => state.State;

    /// <inheritdoc />
    public async Task<Result<SensorSnapshot>> RegisterAsync(string name, CancellationToken cancellationToken = default)
    {
        if (S.Exists)
        {
            return S.Name == name
                ? Result<SensorSnapshot>.Ok(Snapshot())
                : Result<SensorSnapshot>.Fail(ProblemCodes.SensorExists, $"sensor {S.SensorId} already exists with another name");
        }

        var (tenantId, sensorId) = Identifiers.ParseSensorKey(this.GetPrimaryKeyString());
        if (await GrainFactory.GetGrain<ITenantGrain>(Identifiers.TenantKey(tenantId)).GetAsync(cancellationToken) is null)
        {
            return Result<SensorSnapshot>.Fail(ProblemCodes.TenantNotFound, $"tenant {tenantId} does not exist");
        }

        var now = time.GetUtcNow();
        S.Exists = true;
        S.TenantId = tenantId;
        S.SensorId = sensorId;
        S.Name = name;
        S.Lifecycle = SensorLifecycle.Registered;
        S.TrustState = TrustState.None;
        S.CreatedAt = now;
        S.UpdatedAt = now;
        _trustReminder = ReminderPlan.None; // a sensor that never existed has no reminder to look up
        await PersistAsync(cancellationToken);
        await AuditAsync("sensor.create", "done", null, cancellationToken);
        return Result<SensorSnapshot>.Ok(Snapshot());
    }

    /// <inheritdoc />
    public Task<SensorSnapshot?> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(S.Exists ? Snapshot() : null);

    /// <inheritdoc />
    public Task<SensorSnapshot?> GetState() => GetAsync();

    /// <inheritdoc />
    public async Task<Result<IssuedClaimCode>> CreateClaimCodeAsync(TimeSpan? lifetime, CancellationToken cancellationToken = default)
    {
        if (!S.Exists)
        {
            return Result<IssuedClaimCode>.Fail(ProblemCodes.SensorNotFound, "no such sensor");
        }

        var outcome = SensorLifecycleMachine.IssueClaimCode(S.Lifecycle);
        if (outcome.Refusal is { } refusal)
        {
            return Result<IssuedClaimCode>.Fail(refusal);
        }

        var validity = lifetime ?? policy.DefaultClaimCodeLifetime;
        if (validity < TimeSpan.FromMinutes(1) || validity > policy.MaxClaimCodeLifetime)
        {
            return Result<IssuedClaimCode>.Fail(ProblemCodes.ClaimCodeLifetimeInvalid, $"a claim code lives between 60 and {(int)policy.MaxClaimCodeLifetime.TotalSeconds} seconds");
        }

        // A newer code replaces the one before it.
        if (S.PendingClaimCodeDigest is { } previous)
        {
            await GrainFactory.GetGrain<IClaimCodeGrain>(Identifiers.ClaimCodeKey(previous)).WithdrawAsync(cancellationToken);
        }

        var code = ClaimCodes.NewCode();
        var digest = ClaimCodes.Digest(code);
        var expiresAt = time.GetUtcNow() + validity;
        await GrainFactory.GetGrain<IClaimCodeGrain>(Identifiers.ClaimCodeKey(digest)).IssueAsync(S.TenantId, S.SensorId, expiresAt, cancellationToken);
        S.PendingClaimCodeDigest = digest;
        S.UpdatedAt = time.GetUtcNow();
        await state.WriteOrResetAsync(this, cancellationToken);
        LogClaimCodeIssued(logger, S.TenantId, S.SensorId, expiresAt);
        await AuditAsync("claim_code.create", "done", $"expires {expiresAt:O}", cancellationToken);
        return Result<IssuedClaimCode>.Ok(new IssuedClaimCode(code, expiresAt));
    }

    /// <inheritdoc />
    public async Task<Result<SensorSnapshot>> DisableAsync(CancellationToken cancellationToken = default)
    {
        var result = await ApplyAsync("sensor.disable", SensorLifecycleMachine.Disable(S.Lifecycle), cancellationToken);
        if (result.IsSuccess)
        {
            // Reversible: a JWT issued after enable is valid again (revocation covers earlier JWTs only).
            await CutNatsUserAsync(removeConsumer: false, cancellationToken);
        }

        return result;
    }

    /// <inheritdoc />
    public Task<Result<SensorSnapshot>> EnableAsync(CancellationToken cancellationToken = default) =>
        ApplyAsync("sensor.enable", SensorLifecycleMachine.Enable(S.Lifecycle, S.Current is not null), cancellationToken);

    /// <inheritdoc />
    public async Task<Result<SensorSnapshot>> RevokeAsync(CancellationToken cancellationToken = default)
    {
        var wasRevoked = S.Lifecycle == SensorLifecycle.Revoked;
        var result = await ApplyAsync("sensor.revoke", SensorLifecycleMachine.Revoke(S.Lifecycle), cancellationToken);
        if (result.IsSuccess && !wasRevoked)
        {
            S.RevokedAt = time.GetUtcNow();
            await state.WriteOrResetAsync(this, cancellationToken);
            await CutNatsUserAsync(removeConsumer: true, cancellationToken);
        }

        if (result.IsSuccess && S.PendingClaimCodeDigest is { } pending)
        {
            await GrainFactory.GetGrain<IClaimCodeGrain>(Identifiers.ClaimCodeKey(pending)).WithdrawAsync(cancellationToken);
            S.PendingClaimCodeDigest = null;
            await state.WriteOrResetAsync(this, cancellationToken);
        }

        return result;
    }

    /// <inheritdoc />
    public async Task<Result<SensorSnapshot>> RequestRenewalAsync(CancellationToken cancellationToken = default)
    {
        if (!S.Exists)
        {
            return Result<SensorSnapshot>.Fail(ProblemCodes.SensorNotFound, "no such sensor");
        }

        var outcome = SensorLifecycleMachine.Renew(S.Lifecycle);
        if (outcome.Refusal is { } refusal)
        {
            await AuditAsync("sensor.renew", "refused", refusal.Code, cancellationToken);
            return Result<SensorSnapshot>.Fail(refusal);
        }

        S.RenewalGeneration++;
        S.UpdatedAt = time.GetUtcNow();
        S.RenewalRequestedAt = S.UpdatedAt;
        await PersistAsync(cancellationToken);
        await AuditAsync("sensor.renew", "done", $"generation {S.RenewalGeneration}", cancellationToken);
        return Result<SensorSnapshot>.Ok(Snapshot());
    }

    private async Task<Result<SensorSnapshot>> ApplyAsync(string action, Outcome<SensorLifecycle> outcome, CancellationToken cancellationToken)
    {
        if (!S.Exists)
        {
            return Result<SensorSnapshot>.Fail(ProblemCodes.SensorNotFound, "no such sensor");
        }

        if (outcome.Refusal is { } refusal)
        {
            await AuditAsync(action, "refused", refusal.Code, cancellationToken);
            return Result<SensorSnapshot>.Fail(refusal);
        }

        if (outcome.Changed)
        {
            LogTransition(logger, S.TenantId, S.SensorId, S.Lifecycle, outcome.State);
            S.Lifecycle = outcome.State;
            S.UpdatedAt = time.GetUtcNow();
            await PersistAsync(cancellationToken);
            await AuditAsync(action, "done", null, cancellationToken);
        }

        return Result<SensorSnapshot>.Ok(Snapshot());
    }

    /// <summary>
    /// Appends to the tenant's audit chain, after the change is stored: the grain that makes a change records it, once,
    /// whichever route asked. The actor is the caller's (<see cref="AuditActor"/>), or the sensor itself for what its
    /// agent does.
    /// </summary>
    private Task AuditAsync(string action, string outcome, string? detail, CancellationToken cancellationToken, string? actor = null) =>
        audit.RecordAsync(S.TenantId, new AuditEvent(actor ?? AuditActor.Current, action, AuditEvent.Sensor(S.SensorId), outcome, detail), cancellationToken);

    /// <summary>The same, for calls that interleave and never await: appended in the background.</summary>
    private void AuditInBackground(string action, string outcome, string? detail, string? actor = null) =>
        audit.Record(S.TenantId, new AuditEvent(actor ?? AuditActor.Current, action, AuditEvent.Sensor(S.SensorId), outcome, detail));

    private string SelfActor => AuditEvent.Sensor(S.SensorId);

    /// <summary>
    /// True for the first of a run of the same refusal of an agent's request (heartbeat, renewal, NATS credentials):
    /// a disabled sensor's agent asks again at every interval, and the chain records the refusal, not each repetition.
    /// An accepted request ends the run (the caller removes its entry).
    /// </summary>
    private bool FirstOfRefusals(string action, string code)
    {
        if (_refusalsRecorded.TryGetValue(action, out var recorded) && recorded == code)
        {
            return false;
        }

        _refusalsRecorded[action] = code;
        return true;
    }

    /// <summary>Re-evaluates trust, writes the state, updates the read model and the trust reminder.</summary>
    private async Task PersistAsync(CancellationToken cancellationToken)
    {
        S.TrustState = TrustEvaluator.Evaluate(S.Lifecycle, S.Current?.NotAfter, time.GetUtcNow(), policy);
        await WriteAndListAsync(cancellationToken);
        await ScheduleTrustReminderAsync();
    }

    /// <summary>Writes the state, then the sensor's row in the read model (which follows what is stored).</summary>
    private async Task WriteAndListAsync(CancellationToken cancellationToken)
    {
        await state.WriteOrResetAsync(this, cancellationToken);
        await directory.UpsertSensorAsync(Snapshot(), cancellationToken);
    }

    private SensorSnapshot Snapshot() => new(
        S.TenantId, S.SensorId, S.Name, S.Lifecycle, S.TrustState, S.Current?.Serial, S.Current?.NotAfter,
        S.RenewalGeneration, S.CreatedAt, S.UpdatedAt, S.Host, _lastHeartbeatAt, S.SuricataObserved, _lastStatusAt,
        CurrentLiveness(), [.. S.RetiredIdentities.Select(r => new RetiredIdentitySnapshot(r.Serial, r.CertificateIssuedAt, r.RevokedAt))], _suricata,
        S.Current is { } c ? c.IssuedAt ?? c.NotBefore : null,
        S.Previous is { } p && S.PreviousAcceptedUntil is { } until && until > time.GetUtcNow() ? new PreviousCertificateSnapshot(p.Serial, p.NotAfter, until) : null,
        S.RenewalRequestedAt,
        _suricataDesired,
        LastFailedCommand());
}
