using System.Collections.Concurrent;
using System.Threading.Channels;
using NATS.Client.Core;
using RavenXcope.Grains;
using RavenXcope.Grains.Model;
using RavenXcope.Grains.Nats;

namespace RavenXcope.Infrastructure.Nats;

/// <summary>
/// The one owner of the silo's NATS connections: one per tenant account (its control user) and one to the SYS
/// account. The control bus, the status bridge and the command publisher all ask here. A connection is opened on
/// first use (the first connect is bounded by <see cref="NatsSettings.OperationTimeout"/>), then kept and reconnected
/// by NATS.Net itself, jittered and without limit, while the server is away; a tenant's is replaced when its control
/// user's credentials change. All of them are disposed with the silo.
/// </summary>
public sealed partial class NatsConnections(NatsSettings settings, IGrainFactory grains, ILogger<NatsConnections> logger) : IAsyncDisposable
{
    private const string SystemName = "ravenxcope-silo-sys";
    private readonly ConcurrentDictionary<string, ConnectionSlot> _tenants = new(StringComparer.Ordinal);
    private readonly ConnectionSlot _system = new();
    private long _opened;
    private volatile bool _disposed;

    /// <summary>Connections opened since the silo started (all accounts, replacements included).</summary>
    public long Opened => Interlocked.Read(ref _opened);

    /// <summary>Tenant connections that are open.</summary>
    public int OpenTenantConnections => _tenants.Values.Count(s => s.Connection is { ConnectionState: NatsConnectionState.Open });

    /// <summary>Tenant connections held but not open (NATS.Net is reconnecting them).</summary>
    public int DownTenantConnections => _tenants.Values.Count(s => s.Connection is { ConnectionState: not NatsConnectionState.Open });

    /// <summary>The SYS account's connection, with the SYS user's credentials (<see cref="NatsSettings.SystemUserCredsPath"/>).</summary>
    public async Task<NatsConnection> SystemAsync(CancellationToken cancellationToken) =>
        (await GetAsync(_system, SystemName, null, async ct => await File.ReadAllTextAsync(settings.SystemUserCredsPath, ct), cancellationToken))!;

    /// <summary>
    /// The tenant's connection, opened with <paramref name="controlCreds"/> when there is none, and replaced when it was
    /// opened with other credentials (the control user's JWT was reissued).
    /// </summary>
    public async Task<NatsConnection> TenantAsync(string tenantId, string controlCreds, CancellationToken cancellationToken) =>
        (await GetAsync(Slot(tenantId), TenantName(tenantId), controlCreds, _ => Task.FromResult<string?>(controlCreds), cancellationToken))!;

    /// <summary>The tenant's connection, asking the tenant for its control credentials when none is held; null while it has none.</summary>
    public Task<NatsConnection?> TenantAsync(string tenantId, CancellationToken cancellationToken) =>
        GetAsync(Slot(tenantId), TenantName(tenantId), null, ct => grains.GetGrain<ITenantGrain>(Identifiers.TenantKey(tenantId)).GetControlCredentialsAsync(ct), cancellationToken);

    /// <summary>
    /// Closes the tenant's connection; the next use opens a new one. Subscriptions on it end (the status bridge
    /// subscribes again).
    /// </summary>
    public async Task CloseTenantAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        if (!_tenants.TryGetValue(tenantId, out var slot))
        {
            return;
        }

        await slot.Lock.WaitAsync(cancellationToken);
        try
        {
            if (slot.Entry is { } entry)
            {
                slot.Entry = null;
                await entry.Connection.DisposeAsync();
                LogClosed(logger, entry.Connection.Opts.Name);
            }
        }
        finally
        {
            slot.Lock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        foreach (var slot in _tenants.Values.Append(_system))
        {
            if (slot.Entry is { } entry)
            {
                slot.Entry = null;
                await entry.Connection.DisposeAsync();
            }
        }
    }

    private static string TenantName(string tenantId) => $"ravenxcope-silo-{tenantId}";

    private ConnectionSlot Slot(string tenantId) => _tenants.GetOrAdd(tenantId, _ => new ConnectionSlot());

    private async Task<NatsConnection?> GetAsync(
        ConnectionSlot slot, string name, string? creds, Func<CancellationToken, Task<string?>> loadCreds, CancellationToken cancellationToken)
    {
        if (slot.Entry is { } held && (creds is null || held.Creds == creds))
        {
            return held.Connection;
        }

        // One opener per account: callers that arrive meanwhile take what it opened instead of opening their own.
        await slot.Lock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var previous = slot.Entry;
            if (previous is not null && (creds is null || previous.Creds == creds))
            {
                return previous.Connection;
            }

            creds ??= await loadCreds(cancellationToken);
            if (creds is null)
            {
                return null;
            }

            var connection = await OpenAsync(name, creds, cancellationToken);
            slot.Entry = new ConnectionSlot.Held(connection, creds);
            if (previous is not null)
            {
                await previous.Connection.DisposeAsync();
                LogReplaced(logger, name);
            }

            return connection;
        }
        finally
        {
            slot.Lock.Release();
        }
    }

    private async Task<NatsConnection> OpenAsync(string name, string creds, CancellationToken cancellationToken)
    {
        var connection = new NatsConnection(NatsOpts.Default with
        {
            Url = settings.Url,
            Name = name,
            AuthOpts = NatsAuthOpts.Default with { Creds = creds },
            RequestTimeout = settings.OperationTimeout,
            MaxReconnectRetry = -1,

            // A burst of status waits in the socket and the server's buffer instead of being dropped by the client;
            // the bridge's bounded grain calls set the pace.
            SubPendingChannelCapacity = 16 * 1024,
            SubPendingChannelFullMode = BoundedChannelFullMode.Wait,
        });
        connection.MessageDropped += (_, _) =>
        {
            Grains.Telemetry.ControlPlaneMetrics.StatusMessage(routed: false);
            return ValueTask.CompletedTask;
        };
        connection.ConnectionDisconnected += (_, args) =>
        {
            LogDisconnected(logger, name, args.Message);
            return ValueTask.CompletedTask;
        };
        connection.ConnectionOpened += (_, _) =>
        {
            LogReconnected(logger, name);
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

        Interlocked.Increment(ref _opened);
        LogOpened(logger, name);
        return connection;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "NATS connection {Name} opened")]
    private static partial void LogOpened(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "NATS connection {Name} replaced: the credentials changed")]
    private static partial void LogReplaced(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "NATS connection {Name} closed")]
    private static partial void LogClosed(ILogger logger, string? name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS connection {Name} to {Server} lost; the client reconnects")]
    private static partial void LogDisconnected(ILogger logger, string name, string server);

    [LoggerMessage(Level = LogLevel.Debug, Message = "NATS connection {Name} open")]
    private static partial void LogReconnected(ILogger logger, string name);
}
