using System.Collections.Concurrent;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Npgsql;
using RavenXcope.Grains;
using RavenXcope.Grains.Model;
using RavenXcope.Grains.Nats;
using RavenXcope.Infrastructure.Nats;
using RavenXcope.Protocol;
using RavenXcope.Protocol.Messages;
using RavenXcope.Protocol.Nats;

namespace RavenXcope.Silo.Nats;

/// <summary>
/// The silo's NATS bridge: one connection per provisioned tenant account (its control user), a
/// subscription to <c>rxc.&lt;t&gt;.*.status</c> in a queue group shared by all silos (each message is
/// handled once), each message turned into one sensor-grain call with bounded concurrency; and command
/// publishing for the grains. Status messages are read by the <see cref="ProtocolReader"/>; those it refuses
/// (malformed, too large, of a version this silo does not know) are counted and dropped.
/// </summary>
public sealed partial class NatsBridge(
    NatsSettings settings,
    NatsControlBus bus,
    NpgsqlDataSource database,
    IGrainFactory grains,
    ILogger<NatsBridge> logger) : BackgroundService, ICommandPublisher, IControlBusHealth
{
    private const string QueueGroup = "ravenxcope-bridge";
    private readonly ConcurrentDictionary<string, NatsConnection> _connections = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _concurrency = new(64);
    private long _malformed;

    /// <summary>Status messages dropped because the protocol reader refused them.</summary>
    public long MalformedMessages => Interlocked.Read(ref _malformed);

    /// <summary>Open tenant connections (for the <c>rxc.nats.connections</c> gauge).</summary>
    public int OpenConnections => _connections.Values.Count(c => c.ConnectionState == NatsConnectionState.Open);

    /// <inheritdoc />
    public bool Enabled => settings.Enabled;

    /// <inheritdoc />
    public async Task<ulong> PublishAsync(string tenantId, string sensorId, string commandId, byte[] payload, CancellationToken cancellationToken)
    {
        // Bounded: the grains' publisher retries, so a NATS that does not answer is an error after a short while,
        // never a wait as long as the client's reconnect.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(settings.OperationTimeout);
        var connection = await ConnectionAsync(tenantId, bound.Token)
            ?? throw new InvalidOperationException($"tenant {tenantId} has no NATS account yet");
        if (connection.ConnectionState != NatsConnectionState.Open)
        {
            throw new NatsException($"not connected to NATS at {settings.Url} ({connection.ConnectionState})");
        }

        try
        {
            var ack = await new NatsJSContext(connection).PublishAsync(
                NatsNames.CommandSubject(tenantId, sensorId), payload, opts: new NatsJSPubOpts { MsgId = commandId }, cancellationToken: bound.Token);
            ack.EnsureSuccess();
            return ack.Seq;
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"JetStream did not acknowledge within {settings.OperationTimeout.TotalSeconds:0.#} s");
        }
    }

    /// <inheritdoc />
    public async Task<ControlBusStatus> DescribeAsync(CancellationToken cancellationToken)
    {
        if (!settings.Enabled)
        {
            return new ControlBusStatus(false, false, 0, 0, 0, "the NATS control bus is not configured");
        }

        var open = _connections.Values.Count(c => c.ConnectionState == NatsConnectionState.Open);
        var down = _connections.Count - open;
        var awaiting = Grains.Telemetry.ControlPlaneMetrics.CommandsAwaitingPublication;
        var reachable = await bus.PingAsync(cancellationToken);
        var detail = reachable is null
            ? $"NATS at {settings.Url} answers; bridge connections open {open}, down {down}; {awaiting} command(s) awaiting publication"
            : $"NATS at {settings.Url} unreachable ({reachable}); bridge connections open {open}, down {down}; {awaiting} command(s) awaiting publication";
        return new ControlBusStatus(true, reachable is null && down == 0, open, down, awaiting, detail);
    }

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
            List<string> tenants;
            try
            {
                tenants = await ProvisionedTenantsAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogBridgeError(logger, $"provisioned tenants: {e.GetType().Name}: {e.Message}");
                continue;
            }

            foreach (var tenantId in tenants)
            {
                try
                {
                    await ConnectionAsync(tenantId, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogBridgeError(logger, $"tenant {tenantId}: {e.GetType().Name}: {e.Message}");
                }
            }
        }
        while (await tick.WaitForNextTickAsync(stoppingToken));
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var connection in _connections.Values)
        {
            await connection.DisposeAsync();
        }
    }

    private async Task<List<string>> ProvisionedTenantsAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT tenant_id FROM nats_accounts WHERE NOT is_system AND tenant_id IS NOT NULL");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tenants = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tenants.Add(reader.GetString(0));
        }

        return tenants;
    }

    private async Task<NatsConnection?> ConnectionAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (_connections.TryGetValue(tenantId, out var existing))
        {
            return existing;
        }

        var creds = await grains.GetGrain<ITenantGrain>(Identifiers.TenantKey(tenantId)).GetControlCredentialsAsync(cancellationToken);
        if (creds is null)
        {
            return null;
        }

        // Reconnects are the client's job from here on (jittered, unlimited).
        var connection = new NatsConnection(NatsOpts.Default with
        {
            Url = settings.Url,
            Name = $"ravenxcope-bridge-{tenantId}",
            AuthOpts = NatsAuthOpts.Default with { Creds = creds },
            MaxReconnectRetry = -1,

            // A burst of status waits in the socket and the server's buffer instead of being dropped by
            // the client; the 64 grain calls in flight set the pace.
            SubPendingChannelCapacity = 16 * 1024,
            SubPendingChannelFullMode = System.Threading.Channels.BoundedChannelFullMode.Wait,
        });
        connection.MessageDropped += (_, dropped) =>
        {
            Grains.Telemetry.ControlPlaneMetrics.StatusMessage(routed: false);
            return ValueTask.CompletedTask;
        };
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(settings.OperationTimeout, cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        if (!_connections.TryAdd(tenantId, connection))
        {
            await connection.DisposeAsync();
            return _connections[tenantId];
        }

        _ = Task.Run(() => PumpStatusAsync(tenantId, connection), CancellationToken.None);
        LogConnected(logger, tenantId);
        return connection;
    }

    private async Task PumpStatusAsync(string tenantId, NatsConnection connection)
    {
        await foreach (var message in connection.SubscribeAsync<byte[]>(NatsNames.TenantStatusSubjects(tenantId), queueGroup: QueueGroup))
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
                status.RecentOutcomes?.Select(o => new ReportedOutcome(o.CommandId, o.Outcome)).ToList());

            Grains.Telemetry.ControlPlaneMetrics.StatusMessage(routed: true);

            await _concurrency.WaitAsync();
            _ = RouteAsync(connection, tenantId, sensorId!, report, message.ReplyTo);
        }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "NATS bridge connected for tenant {TenantId}")]
    private static partial void LogConnected(ILogger logger, string tenantId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "NATS bridge: a status message of tenant {TenantId} dropped: {Reason}")]
    private static partial void LogRefused(ILogger logger, string tenantId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS bridge: {Reason}")]
    private static partial void LogBridgeError(ILogger logger, string reason);
}
