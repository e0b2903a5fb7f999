using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RavenXcope.Grains.Model;

namespace RavenXcope.Grains.Audit;

/// <summary>
/// The way into the tenants' audit chains, for the grains (where every change happens) and the gateway (for what
/// no grain changes: API keys, credentials handed out). An entry is appended through the tenant's audit grain, the
/// chain's only writer. A failure never hides the operation's own result: whatever the database or cluster refused
/// for a transient reason is kept in memory, in order, and appended again with a capped backoff, marked as recorded
/// late; what cannot be kept (the queue full, the process stopping) is logged as lost, one line each, so that a gap
/// in the chain is never silent.
/// </summary>
public sealed partial class AuditTrail(IGrainFactory grains, TimeProvider time, ILogger<AuditTrail> logger) : BackgroundService
{
    /// <summary>Entries kept at most.</summary>
    public const int Capacity = 10_000;

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>Exports the trail's counters at zero from the start (call once the metrics pipeline listens).</summary>
    public static void RegisterMetrics() => AuditMetrics.Register();

    private readonly Channel<(string TenantId, AuditEvent Entry, bool Late)> _queue = Channel.CreateBounded<(string, AuditEvent, bool)>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    /// <summary>Appends now; on a transient failure keeps the entry for a retry (or logs it as lost).</summary>
    public async Task RecordAsync(string tenantId, AuditEvent entry, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<IAuditGrain>(Identifiers.AuditKey(tenantId)).AppendAsync(entry, cancellationToken);
            AuditMetrics.Entry("appended");
        }
        catch (Exception e) when (IsTransient(e))
        {
            var queued = Enqueue(tenantId, entry);
            if (queued)
            {
                AuditMetrics.Entry("deferred");
            }

            LogAuditDeferred(logger, tenantId, entry.Action, e.Message, queued ? "kept for a retry" : "lost");
        }
    }

    /// <summary>For callers that must not wait (a call that interleaves and never awaits): appended in the background.</summary>
    public void Record(string tenantId, AuditEvent entry)
    {
        if (_queue.Writer.TryWrite((tenantId, entry, false)))
        {
            AuditMetrics.Queued(1);
        }
        else
        {
            Lost(tenantId, entry, "the retry queue is full");
        }
    }

    /// <summary>Errors after which the same append may succeed later.</summary>
    /// <remarks>
    /// Wider than an outage: the operation has already taken effect, so any refusal by the database (not only a lost
    /// connection) keeps the entry for a retry rather than failing a call whose change stands.
    /// </remarks>
    public static bool IsTransient(Exception e) =>
        Unavailability.Code(e) is not null || e is System.Data.Common.DbException || e is InvalidOperationException
        || (e is OperationCanceledException && e.InnerException is TimeoutException);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                _queue.Reader.TryPeek(out var next);
                var backoff = TimeSpan.FromSeconds(1);
                while (true)
                {
                    try
                    {
                        await grains.GetGrain<IAuditGrain>(Identifiers.AuditKey(next.TenantId)).AppendAsync(next.Entry, stoppingToken);
                        if (next.Late)
                        {
                            LogRecordedLate(logger, next.TenantId, next.Entry.Action);
                        }

                        AuditMetrics.Entry(next.Late ? "appended_late" : "appended");

                        break;
                    }
                    catch (Exception e) when (IsTransient(e) && !stoppingToken.IsCancellationRequested)
                    {
                        if (!next.Late)
                        {
                            next = (next.TenantId, Late(next.Entry), true);
                            AuditMetrics.Entry("deferred");
                        }

                        await Task.Delay(backoff, time, stoppingToken);
                        backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
                    }
                    catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                    {
                        Lost(next.TenantId, next.Entry, $"{e.GetType().Name}: {e.Message}");
                        break;
                    }
                }

                if (_queue.Reader.TryRead(out _))
                {
                    AuditMetrics.Queued(-1);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            while (_queue.Reader.TryRead(out var left))
            {
                AuditMetrics.Queued(-1);
                Lost(left.TenantId, left.Entry, "the process stopped before the entry could be appended");
            }
        }
    }

    private bool Enqueue(string tenantId, AuditEvent entry)
    {
        if (_queue.Writer.TryWrite((tenantId, Late(entry), true)))
        {
            AuditMetrics.Queued(1);
            return true;
        }

        Lost(tenantId, entry, "the retry queue is full");
        return false;
    }

    private void Lost(string tenantId, AuditEvent entry, string reason)
    {
        AuditMetrics.Entry("lost");
        LogLost(logger, tenantId, entry.Action, entry.Subject, reason);
    }

    private AuditEvent Late(AuditEvent entry) =>
        entry with { Detail = $"{entry.Detail}{(string.IsNullOrEmpty(entry.Detail) ? string.Empty : "; ")}occurred {time.GetUtcNow():O}, recorded after a retry" };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit entry for tenant {TenantId} ({Action}) could not be written ({Reason}): {Disposition}")]
    private static partial void LogAuditDeferred(ILogger logger, string tenantId, string action, string reason, string disposition);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit entry for tenant {TenantId} ({Action}) recorded after a retry")]
    private static partial void LogRecordedLate(ILogger logger, string tenantId, string action);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit entry for tenant {TenantId} ({Action} on {Subject}) lost: {Reason}")]
    private static partial void LogLost(ILogger logger, string tenantId, string action, string subject, string reason);
}

/// <summary>Registration of <see cref="AuditTrail"/>.</summary>
public static class AuditTrailServiceCollectionExtensions
{
    /// <summary>Registers the trail and its retry loop (needs an <see cref="IGrainFactory"/> and a <see cref="TimeProvider"/>).</summary>
    public static IServiceCollection AddAuditTrail(this IServiceCollection services)
    {
        services.AddSingleton<AuditTrail>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditTrail>());
        return services;
    }
}
