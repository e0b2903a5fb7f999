using System.Threading.Channels;
using RavenXcope.Grains;
using RavenXcope.Grains.Model;

namespace RavenXcope.Gateway.Api;

/// <summary>
/// Audit entries whose append failed after their operation took effect (the database away for a moment): kept in
/// memory, in order, and appended again with a capped backoff until they are written or the gateway stops. An entry
/// says when it happened when it is recorded late. What cannot be kept (the queue full, the gateway stopping) is
/// logged as lost, one line each, so that a gap in the chain is never silent.
/// </summary>
public sealed partial class AuditOutbox(IClusterClient cluster, TimeProvider time, ILogger<AuditOutbox> logger) : BackgroundService
{
    /// <summary>Entries kept at most.</summary>
    public const int Capacity = 10_000;

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly Channel<(string TenantId, AuditEvent Entry)> _queue = Channel.CreateBounded<(string, AuditEvent)>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    /// <summary>Keeps <paramref name="entry"/> of <paramref name="tenantId"/> for another try; false (and logged as lost) when full.</summary>
    public bool Enqueue(string tenantId, AuditEvent entry)
    {
        var late = entry with { Detail = $"{entry.Detail}{(string.IsNullOrEmpty(entry.Detail) ? string.Empty : "; ")}occurred {time.GetUtcNow():O}, recorded after a retry" };
        if (_queue.Writer.TryWrite((tenantId, late)))
        {
            return true;
        }

        LogLost(logger, tenantId, entry.Action, entry.Subject, "the retry queue is full");
        return false;
    }

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
                        await cluster.Grain<IAuditGrain>(Identifiers.AuditKey(next.TenantId)).AppendAsync(next.Entry, stoppingToken);
                        LogRecordedLate(logger, next.TenantId, next.Entry.Action);
                        break;
                    }
                    catch (Exception e) when (Audit.IsTransient(e) && !stoppingToken.IsCancellationRequested)
                    {
                        await Task.Delay(backoff, time, stoppingToken);
                        backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
                    }
                    catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                    {
                        LogLost(logger, next.TenantId, next.Entry.Action, next.Entry.Subject, $"{e.GetType().Name}: {e.Message}");
                        break;
                    }
                }

                _queue.Reader.TryRead(out _);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            while (_queue.Reader.TryRead(out var left))
            {
                LogLost(logger, left.TenantId, left.Entry.Action, left.Entry.Subject, "the gateway stopped before the database came back");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit entry for tenant {TenantId} ({Action}) recorded after a retry")]
    private static partial void LogRecordedLate(ILogger logger, string tenantId, string action);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit entry for tenant {TenantId} ({Action} on {Subject}) lost: {Reason}")]
    private static partial void LogLost(ILogger logger, string tenantId, string action, string subject, string reason);
}
