using NATS.Client.Core;
using NATS.Client.JetStream.Models;
using NATS.Client.JetStream;
using RavenXcope.Grains.Nats;
using RavenXcope.Protocol.Nats;

namespace RavenXcope.Infrastructure.Nats;

/// <summary>
/// The silo's operations on NATS for the grains: pushing account JWTs through the SYS account, and the
/// JetStream objects of a tenant (its command stream, the sensors' consumers) through the tenant's
/// control user, each on the connection <see cref="NatsConnections"/> holds for that account. Every call
/// fails fast when NATS is down; the callers retry on their reminder.
/// </summary>
public sealed partial class NatsControlBus(NatsSettings settings, NatsConnections connections, ILogger<NatsControlBus> logger) : INatsControlBus
{
    /// <inheritdoc />
    public async Task PushAccountAsync(string accountPublicKey, string accountJwt, CancellationToken cancellationToken)
    {
        var connection = await SystemAsync(cancellationToken);
        var reply = await connection.RequestAsync<string, string>(
            $"$SYS.REQ.ACCOUNT.{accountPublicKey}.CLAIMS.UPDATE", accountJwt, cancellationToken: cancellationToken).AsTask().WaitAsync(settings.OperationTimeout, cancellationToken);
        LogPushed(logger, accountPublicKey, reply.Data ?? "(no text)");
        if (reply.Data is { } text && text.Contains("error", StringComparison.OrdinalIgnoreCase))
        {
            throw new NatsException($"nats-server refused the account update: {text}");
        }
    }

    /// <summary>Null when NATS answers a ping on the SYS connection within a second, else why not.</summary>
    public async Task<string?> PingAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(settings.SystemUserCredsPath))
        {
            return "no SYS account credentials configured";
        }

        try
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(TimeSpan.FromSeconds(1));
            var connection = await connections.SystemAsync(bound.Token).WaitAsync(bound.Token);
            if (connection.ConnectionState != NatsConnectionState.Open)
            {
                return $"not connected ({connection.ConnectionState})";
            }

            await connection.PingAsync(bound.Token).AsTask().WaitAsync(bound.Token);
            return null;
        }
        catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            return e is OperationCanceledException ? "no answer within 1 s" : $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <inheritdoc />
    public async Task EnsureCommandStreamAsync(string tenantId, string controlCreds, CancellationToken cancellationToken)
    {
        var connection = await TenantAsync(tenantId, controlCreds, cancellationToken);
        var js = new NatsJSContext(connection);
        await js.CreateOrUpdateStreamAsync(
            new StreamConfig(settings.CommandStreamName, [$"rxc.{tenantId}.*.cmd"])
            {
                Retention = StreamConfigRetention.Workqueue,
                Storage = StreamConfigStorage.File,
            },
            cancellationToken).AsTask().WaitAsync(settings.OperationTimeout, cancellationToken);
    }

    /// <inheritdoc />
    public async Task EnsureSensorConsumerAsync(string tenantId, string sensorId, string controlCreds, CancellationToken cancellationToken)
    {
        var connection = await TenantAsync(tenantId, controlCreds, cancellationToken);
        var js = new NatsJSContext(connection);
        await js.CreateOrUpdateConsumerAsync(
            settings.CommandStreamName,
            new ConsumerConfig(NatsNames.Consumer(tenantId, sensorId))
            {
                FilterSubject = NatsNames.CommandSubject(tenantId, sensorId),
                AckPolicy = ConsumerConfigAckPolicy.Explicit,
            },
            cancellationToken).AsTask().WaitAsync(settings.OperationTimeout, cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteSensorConsumerAsync(string tenantId, string sensorId, string controlCreds, CancellationToken cancellationToken)
    {
        var connection = await TenantAsync(tenantId, controlCreds, cancellationToken);
        var js = new NatsJSContext(connection);
        try
        {
            await js.DeleteConsumerAsync(settings.CommandStreamName, NatsNames.Consumer(tenantId, sensorId), cancellationToken).AsTask().WaitAsync(settings.OperationTimeout, cancellationToken);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
        }
    }

    private async Task<NatsConnection> SystemAsync(CancellationToken cancellationToken) =>
        (await connections.SystemAsync(cancellationToken).WaitAsync(settings.OperationTimeout, cancellationToken)).RequireOpen();

    private async Task<NatsConnection> TenantAsync(string tenantId, string controlCreds, CancellationToken cancellationToken) =>
        (await connections.TenantAsync(tenantId, controlCreds, cancellationToken).WaitAsync(settings.OperationTimeout, cancellationToken)).RequireOpen();

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {Account} pushed to NATS: {Reply}")]
    private static partial void LogPushed(ILogger logger, string account, string reply);
}
