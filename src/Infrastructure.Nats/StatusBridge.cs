using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;
using RavenXcope.Infrastructure.Postgres;
using RavenXcope.Common;
using RavenXcope.Grains;
using RavenXcope.Grains.Model;
using RavenXcope.Grains.Nats;
using RavenXcope.Protocol;
using RavenXcope.Protocol.Messages;
using RavenXcope.Protocol.Nats;

namespace RavenXcope.Infrastructure.Nats;

/// <summary>
/// The silo's NATS bridge: on the connection of each provisioned tenant account (its control user, from
/// <see cref="NatsConnections"/>), a subscription to <c>rxc.&lt;t&gt;.*.status</c> in a queue group shared by all
/// silos (each message is handled once), each message turned into one sensor-grain call with bounded concurrency.
/// Status messages are read by the <see cref="ProtocolReader"/>; those it refuses (malformed, too large, of a version
/// this silo does not know) are counted and dropped. A tenant's pump whose subscription ends or fails is started again
/// after a backoff for as long as the silo runs, logged once when it goes down and once when it routes again.
/// </summary>
public sealed partial class StatusBridge(
    NatsSettings settings,
    NatsConnections connections,
    NatsAccountStore accounts,
    IGrainFactory grains,
    TimeProvider time,
    ILogger<StatusBridge> logger) : BackgroundService
{
    private const string QueueGroup = "ravenxcope-bridge";

    private readonly ConcurrentDictionary<string, StatusPump> _pumps = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _concurrency = new(64);
    private long _malformed;

    /// <summary>Status messages dropped because the protocol reader refused them.</summary>
    public long MalformedMessages => Interlocked.Read(ref _malformed);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Enabled)
        {
            return;
        }

        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(Math.Clamp(settings.ReconcileSeconds, 1, 10)));
        do
        {
            // Whatever fails (the database, NATS, a tenant grain that cannot activate) is retried on the next
            // tick, tenant by tenant: an exception escaping here would stop the whole silo.
            IReadOnlyList<string> tenants;
            try
            {
                tenants = await accounts.ProvisionedTenantsAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogBridgeError(logger, $"provisioned tenants: {e.GetType().Name}: {e.Message}");
                continue;
            }

            foreach (var tenantId in tenants)
            {
                StartPump(tenantId, stoppingToken);
            }
        }
        while (await tick.WaitForNextTickAsync(stoppingToken));
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await Task.WhenAll(_pumps.Values.Select(p => p.Task));
    }


    // One run of a pump: subscribes on the tenant's connection and routes until the subscription ends; says why it did
    // (null: the tenant has no control credentials yet).
    private async Task<string?> PumpStatusAsync(StatusPump pump, Backoff backoff, CancellationToken stoppingToken)
    {
        var tenantId = pump.TenantId;
        var connection = await connections.TenantAsync(tenantId, stoppingToken);
        if (connection is null)
        {
            return null;
        }

        await using var subscription = await connection.RequireOpen().SubscribeCoreAsync<byte[]>(
            NatsNames.TenantStatusSubjects(tenantId), queueGroup: QueueGroup, cancellationToken: stoppingToken);
        pump.Running = true;
        var subscribedAt = time.GetTimestamp();
        await foreach (var message in subscription.Msgs.ReadAllAsync(stoppingToken))
        {
            var sensorId = NatsNames.SensorIdOfStatusSubject(tenantId, message.Subject);
            var read = sensorId is not null && Identifiers.IsValid(sensorId)
                ? ProtocolReader.ReadStatus(message.Data ?? [])
                : ReadResult<StatusMessage>.Refused($"not a sensor's status subject: {message.Subject}");
            if (read.Message is not { } status)
            {
                Interlocked.Increment(ref _malformed);
                Grains.Telemetry.ControlPlaneMetrics.StatusMessage(routed: false);
                LogRefused(logger, tenantId, read.Refusal!);
                continue;
            }

            var report = new SensorStatusReport(
                status.Desired, status.Observed, status.LastCommandId, status.LastCommandOutcome, status.TrustState, status.AgentVersion,
                status.RecentOutcomes?.Select(o => new ReportedOutcome(o.CommandId, o.Outcome, o.Detail)).ToList(),
                status.Suricata is { } engine
                    ? new SuricataSnapshot(engine.Version, engine.UptimeSeconds, engine.RulesLoaded, engine.RulesFailed, engine.Packets, engine.KernelDrops, engine.Restarts, engine.Error)
                    : null);

            Grains.Telemetry.ControlPlaneMetrics.StatusMessage(routed: true);
            Recovered(pump, backoff);

            await _concurrency.WaitAsync(stoppingToken);
            _ = RouteAsync(connection, tenantId, sensorId!, report, message.ReplyTo);
        }

        if (time.GetElapsedTime(subscribedAt) >= StableAfter)
        {
            Recovered(pump, backoff);
        }

        stoppingToken.ThrowIfCancellationRequested();
        return subscription is NatsSubBase { Exception: { } failure }
            ? $"the subscription failed: {failure.Message}"
            : $"the subscription ended ({(subscription as NatsSubBase)?.EndReason.ToString() ?? "closed"}, connection {connection.ConnectionState})";
    }

    private async Task RouteAsync(NatsConnection connection, string tenantId, string sensorId, SensorStatusReport report, string? replyTo)
    {
        try
        {
            var recorded = await grains.Sensor(tenantId, sensorId).RecordStatusAsync(report);

            // An agent that asks (a request) learns which outcomes are stored and may forget them; without this
            // answer it keeps them and sends them again.
            if (replyTo is not null)
            {
                await connection.PublishAsync(replyTo, JsonSerializer.SerializeToUtf8Bytes(new StatusReply(recorded), ProtocolJson.Default.StatusReply));
            }
        }
        catch (Exception e)
        {
            // Nobody awaits this task: what it let through would go unobserved (a grain that could not save its
            // state during a database outage, say). The next status of the sensor is routed as usual.
            LogBridgeError(logger, $"status of {tenantId}/{sensorId}: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            _concurrency.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "NATS bridge: a status message of tenant {TenantId} dropped: {Reason}")]
    private static partial void LogRefused(ILogger logger, string tenantId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS bridge: {Reason}")]
    private static partial void LogBridgeError(ILogger logger, string reason);
}
