using RavenXcope.Common;

namespace RavenXcope.Infrastructure.Nats;

/// <summary>The supervision of the status pumps: restarted with a backoff, logged once per failure run.</summary>
public sealed partial class StatusBridge
{
    // A pump that ran this long without routing anything still counts as having recovered.
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);
    private long _restarts;

    /// <summary>Tenants with a status pump.</summary>
    public int Pumps => _pumps.Count;

    /// <summary>Pumps subscribed now (the others wait to start again).</summary>
    public int RunningPumps => _pumps.Values.Count(p => p.Running);

    /// <summary>Whether the tenant's status subjects are subscribed now (a status published before that is not heard: it is not kept).</summary>
    public bool IsRouting(string tenantId) => _pumps.TryGetValue(tenantId, out var pump) && pump.Running;

    /// <summary>Times a pump ended or failed and was scheduled to start again.</summary>
    public long PumpRestarts => Interlocked.Read(ref _restarts);

    // Once per tenant: its pump looks after itself from then on.
    private void StartPump(string tenantId, CancellationToken stoppingToken)
    {
        if (!_pumps.ContainsKey(tenantId))
        {
            var pump = new StatusPump(tenantId);
            _pumps[tenantId] = pump;
            pump.Task = Task.Run(() => SuperviseAsync(pump, stoppingToken), CancellationToken.None);
        }
    }

    // Runs the tenant's pump until the silo stops: what ends it (the connection closed, the subscription failed, a
    // bug in routing) is logged and the pump started again, sooner after a pump that had been working.
    private async Task SuperviseAsync(StatusPump pump, CancellationToken stoppingToken)
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15));
        var waitForCredentials = TimeSpan.FromSeconds(Math.Clamp(settings.ReconcileSeconds, 1, 10));
        while (!stoppingToken.IsCancellationRequested)
        {
            string? reason;
            try
            {
                reason = await PumpStatusAsync(pump, backoff, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                reason = $"{e.GetType().Name}: {e.Message}";
            }
            finally
            {
                pump.Running = false;
            }

            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            TimeSpan delay;
            if (reason is null)
            {
                // A tenant listed before its account is provisioned has no control user yet: a wait, not a failure.
                delay = waitForCredentials;
            }
            else
            {
                // A pump that was working (its connection replaced or its subscription ended) resubscribes at once:
                // statuses are plain NATS messages, and any sent while no pump listens are lost. Only a pump that
                // keeps failing backs off.
                var wasWorking = backoff.Failures == 0;
                delay = backoff.Failed();
                if (wasWorking)
                {
                    delay = TimeSpan.Zero;
                }

                Interlocked.Increment(ref _restarts);
                if (backoff.Failures == 1)
                {
                    LogPumpDown(logger, pump.TenantId, reason, delay.TotalSeconds);
                }
                else
                {
                    LogPumpStillDown(logger, pump.TenantId, backoff.Failures, reason, delay.TotalSeconds);
                }
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Recovered(StatusPump pump, Backoff backoff)
    {
        if (backoff.Failures > 0)
        {
            LogPumpRecovered(logger, pump.TenantId, backoff.Failures);
            backoff.Succeeded();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS bridge: the status pump of tenant {TenantId} is down ({Reason}); starting it again in {DelaySeconds:0.#} s, and backing off while it keeps failing")]
    private static partial void LogPumpDown(ILogger logger, string tenantId, string reason, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "NATS bridge: the status pump of tenant {TenantId} failed again ({Failures} in a row: {Reason}); next try in {DelaySeconds:0.#} s")]
    private static partial void LogPumpStillDown(ILogger logger, string tenantId, int failures, string reason, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "NATS bridge: the status pump of tenant {TenantId} works again after {Failures} failed start(s)")]
    private static partial void LogPumpRecovered(ILogger logger, string tenantId, int failures);
}
