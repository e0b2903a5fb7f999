
namespace RavenXcope.Grains.Sensors;

/// <summary>The trust reminder: due at the next threshold (renewal recommended, due, expiry), not polling.</summary>
public sealed partial class SensorGrain
{
    /// <summary>Name of the reminder that moves the trust state at its thresholds.</summary>
    public const string TrustReminder = "trust";

    // After a threshold has passed and before the reminder is moved to the next one, it ticks at this
    // period; Orleans' floor for reminders is one minute.
    private static readonly TimeSpan TrustReminderPeriod = TimeSpan.FromHours(1);

    /// <inheritdoc />
    public async Task RefreshTrustAsync()
    {
        if (S.Exists)
        {
            await MoveTrustIfDueAsync();
        }
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != TrustReminder || !S.Exists)
        {
            return;
        }

        // A tick always re-registers the reminder at the next threshold, as Orleans' own period would
        // otherwise run on from this tick (persisting the new state does it too).
        _trustReminder = ReminderPlan.Unknown;
        if (!await MoveTrustIfDueAsync())
        {
            await ScheduleTrustReminderAsync();
        }
    }

    // Persists the trust state the clock has moved to; false when it has not moved.
    private async Task<bool> MoveTrustIfDueAsync()
    {
        var trust = TrustEvaluator.Evaluate(S.Lifecycle, S.Current?.NotAfter, time.GetUtcNow(), policy);
        if (trust == S.TrustState)
        {
            return false;
        }

        LogTrustMoved(logger, S.TenantId, S.SensorId, S.TrustState, trust);
        S.UpdatedAt = time.GetUtcNow();
        await PersistAsync(CancellationToken.None);
        return true;
    }

    // What this activation last registered: unknown after activation, then the due time or none. Every
    // reminder change is a database write, so an unchanged threshold (most writes of the state) costs none.
    private ReminderPlan _trustReminder = ReminderPlan.Unknown;

    private async Task ScheduleTrustReminderAsync()
    {
        var now = time.GetUtcNow();
        var next = TrustEvaluator.NextChange(S.Lifecycle, S.Current?.NotAfter, now, policy);
        if (next is { } due)
        {
            if (_trustReminder.IsKnown && _trustReminder.Due == due)
            {
                return;
            }

            var wait = due - now;
            _trustReminder = ReminderPlan.Unknown;
            await this.RegisterOrUpdateReminder(TrustReminder, wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait, TrustReminderPeriod);
            _trustReminder = new ReminderPlan(true, due);
        }
        else if (!(_trustReminder.IsKnown && _trustReminder.Due is null))
        {
            _trustReminder = ReminderPlan.Unknown;
            if (await this.GetReminder(TrustReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _trustReminder = ReminderPlan.None;
        }
    }

    private readonly record struct ReminderPlan(bool IsKnown, DateTimeOffset? Due)
    {
        public static ReminderPlan Unknown => default;

        public static ReminderPlan None => new(true, null);
    }
}
