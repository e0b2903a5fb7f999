using System.Collections.Concurrent;

namespace RavenXcope.Tests.Probes;

/// <summary>A test grain whose reminder ticks are recorded in <see cref="ReminderLog"/>.</summary>
[Alias("RavenXcope.Tests.IReminderProbeGrain")]
public interface IReminderProbeGrain : IGrainWithStringKey
{
    /// <summary>Registers the reminder with the given period.</summary>
    Task StartAsync(TimeSpan period);

    /// <summary>Unregisters the reminder.</summary>
    Task StopAsync();
}

/// <inheritdoc cref="IReminderProbeGrain"/>
[GrainType("test-reminder-probe")]
public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    /// <summary>Name of the reminder.</summary>
    public const string ReminderName = "tick";

    /// <inheritdoc />
    public Task StartAsync(TimeSpan period) => this.RegisterOrUpdateReminder(ReminderName, period, period);

    /// <inheritdoc />
    public async Task StopAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ReminderLog.Record(this.GetPrimaryKeyString(), RuntimeIdentity);
        return Task.CompletedTask;
    }
}

/// <summary>Reminder ticks seen in this test process (all test silos run in it).</summary>
public static class ReminderLog
{
    private static readonly ConcurrentQueue<(string Grain, string Silo, DateTime At)> Ticks = new();

    /// <summary>Records one tick.</summary>
    public static void Record(string grain, string silo) => Ticks.Enqueue((grain, silo, DateTime.UtcNow));

    /// <summary>Ticks of <paramref name="grain"/> on <paramref name="silo"/> since <paramref name="since"/>.</summary>
    public static int Count(string grain, string silo, DateTime since) =>
        Ticks.Count(t => t.Grain == grain && t.Silo == silo && t.At >= since);
}
