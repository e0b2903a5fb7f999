using RavenXcope.Grains.Audit;
using RavenXcope.Grains.Model;
using RavenXcope.Grains.Nats;
using RavenXcope.Grains.State;
using RavenXcope.Protocol.Problems;

namespace RavenXcope.Grains.Tenants;

/// <summary>
/// A tenant, and its NATS account: created <c>Pending</c>, moved to <c>Provisioned</c> by a reminder that
/// reconciles (create-or-return) until it succeeds, and keeps checking after that. A failed step is
/// retried on the next tick, so an outage of NATS or the database heals by itself.
/// </summary>
[GrainType("tenant")]
public sealed partial class TenantGrain(
    [PersistentState("tenant", StorageNames.Default)] IPersistentState<TenantState> state,
    IFleetDirectory directory,
    INatsAccountDirectory accounts,
    NatsRuntime nats,
    Microsoft.Extensions.Options.IOptions<Orleans.Hosting.ReminderOptions> reminderOptions,
    TimeProvider time,
    AuditTrail audit,
    ILogger<TenantGrain> logger) : Grain, ITenantGrain, IRemindable
{
    private string? _lastError;

    // The account JWT this activation last served and pushed; a different one (a revocation whose push
    // failed) makes the next reconcile tick publish again.
    private string? _publishedJwt;

    private TenantState S => state.State;

    /// <inheritdoc />
    public async Task<Result<TenantSnapshot>> CreateAsync(string name, CancellationToken cancellationToken = default)
    {
        if (S.Exists)
        {
            return S.Name == name
                ? Result<TenantSnapshot>.Ok(Snapshot())
                : Result<TenantSnapshot>.Fail(ProblemCodes.TenantExists, $"tenant {S.TenantId} already exists with another name");
        }

        S.Exists = true;
        S.TenantId = this.GetPrimaryKeyString()[2..];
        S.Name = name;
        S.CreatedAt = time.GetUtcNow();
        S.AccountStatus = NatsAccountStatus.Pending;
        await state.WriteOrResetAsync(this, cancellationToken);
        await directory.UpsertTenantAsync(Snapshot(), cancellationToken);
        var period = TimeSpan.FromSeconds(Math.Max(1, nats.Settings.ReconcileSeconds));
        if (period < reminderOptions.Value.MinimumReminderPeriod)
        {
            period = reminderOptions.Value.MinimumReminderPeriod;
        }

        await this.RegisterOrUpdateReminder(ReconcileReminder, TimeSpan.FromSeconds(1), period);
        await audit.RecordAsync(S.TenantId, new AuditEvent(AuditActor.Current, "tenant.create", $"tenant:{S.TenantId}", "done", null), cancellationToken);
        return Result<TenantSnapshot>.Ok(Snapshot());
    }

    /// <inheritdoc />
    public Task<TenantSnapshot?> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(S.Exists ? Snapshot() : null);

    /// <inheritdoc />
    public Task<TenantSnapshot?> GetState() => GetAsync();

    private TenantSnapshot Snapshot() => new(S.TenantId, S.Name, S.CreatedAt, S.AccountStatus, S.AccountPublicKey, _lastError);
}
