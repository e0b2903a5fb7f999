using NATS.Client.Core;
using NATS.Client.JetStream.Models;
using NATS.Client.JetStream;
using RavenXcope.Protocol.Nats;

namespace RavenXcope.Grains.Nats;

/// <summary>
/// The silo's operations on NATS for the grains: pushing account JWTs through the SYS account, and the
/// JetStream objects of a tenant (its command stream, the sensors' consumers) through the tenant's
/// control user. Every call fails fast when NATS is down; the callers retry on their reminder.
/// </summary>
public sealed partial class NatsControlBus(NatsSettings settings, ILogger<NatsControlBus> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _systemLock = new(1, 1);
    private NatsConnection? _system;

    /// <summary>Publishes <paramref name="accountJwt"/> to the servers (<c>$SYS.REQ.ACCOUNT.&lt;A&gt;.CLAIMS.UPDATE</c>).</summary>
    public async Task PushAccountAsync(string accountPublicKey, string accountJwt, CancellationToken cancellationToken)
    {
        var connection = await SystemConnectionAsync(cancellationToken);
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
            var connection = await SystemConnectionAsync(bound.Token).WaitAsync(bound.Token);
            await connection.PingAsync(bound.Token).AsTask().WaitAsync(bound.Token);
            return null;
        }
        catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            return e is OperationCanceledException ? "no answer within 1 s" : $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>Creates or updates the tenant's work-queue command stream.</summary>
    public async Task EnsureCommandStreamAsync(string tenantId, string controlCreds, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(controlCreds, $"ravenxcope-control-{tenantId}", cancellationToken);
        var js = new NatsJSContext(connection);
        await js.CreateOrUpdateStreamAsync(
            new StreamConfig(settings.CommandStreamName, [$"rxc.{tenantId}.*.cmd"])
            {
                Retention = StreamConfigRetention.Workqueue,
                Storage = StreamConfigStorage.File,
            },
            cancellationToken).AsTask().WaitAsync(settings.OperationTimeout, cancellationToken);
    }

    /// <summary>Creates the sensor's durable pull consumer <c>cmd-&lt;t&gt;-&lt;s&gt;</c> (idempotent).</summary>
    public async Task EnsureSensorConsumerAsync(string tenantId, string sensorId, string controlCreds, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(controlCreds, $"ravenxcope-control-{tenantId}", cancellationToken);
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

    /// <summary>Deletes the sensor's consumer (after a revoke); a missing consumer is fine.</summary>
    public async Task DeleteSensorConsumerAsync(string tenantId, string sensorId, string controlCreds, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(controlCreds, $"ravenxcope-control-{tenantId}", cancellationToken);
        var js = new NatsJSContext(connection);
        try
        {
            await js.DeleteConsumerAsync(settings.CommandStreamName, NatsNames.Consumer(tenantId, sensorId), cancellationToken).AsTask().WaitAsync(settings.OperationTimeout, cancellationToken);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }

        _systemLock.Dispose();
    }

    private async Task<NatsConnection> SystemConnectionAsync(CancellationToken cancellationToken)
    {
        await _systemLock.WaitAsync(cancellationToken);
        try
        {
            if (_system is { ConnectionState: NatsConnectionState.Open })
            {
                return _system;
            }

            if (_system is not null)
            {
                await _system.DisposeAsync();
                _system = null;
            }

            var creds = await File.ReadAllTextAsync(settings.SystemUserCredsPath, cancellationToken);
            _system = await ConnectAsync(creds, "ravenxcope-silo-sys", cancellationToken);
            return _system;
        }
        finally
        {
            _systemLock.Release();
        }
    }

    private async Task<NatsConnection> ConnectAsync(string creds, string name, CancellationToken cancellationToken)
    {
        var connection = new NatsConnection(NatsOpts.Default with
        {
            Url = settings.Url,
            Name = name,
            AuthOpts = NatsAuthOpts.Default with { Creds = creds },
            ConnectTimeout = TimeSpan.FromSeconds(2),
            RequestTimeout = settings.OperationTimeout,
            MaxReconnectRetry = 0,
        });
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(settings.OperationTimeout, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {Account} pushed to NATS: {Reply}")]
    private static partial void LogPushed(ILogger logger, string account, string reply);
}
