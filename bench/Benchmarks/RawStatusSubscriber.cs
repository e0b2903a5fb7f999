using NATS.Client.Core;
using RavenXcope.Protocol.Nats;

namespace RavenXcope.Benchmarks;

/// <summary>A plain NATS.Net subscription on a tenant's status subjects: the floor the bridge is measured against.</summary>
internal sealed class RawStatusSubscriber : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    /// <summary>Subscribes, waits until the server has the subscription, and calls <paramref name="onMessage"/> with each message's subject and data.</summary>
    public static async Task<RawStatusSubscriber> StartAsync(NatsConnection connection, string tenantId, Action<string, byte[]> onMessage, CancellationToken cancellationToken)
    {
        var subscriber = new RawStatusSubscriber();
        var subscription = await connection.SubscribeCoreAsync<byte[]>(NatsNames.TenantStatusSubjects(tenantId), cancellationToken: cancellationToken);
        await connection.PingAsync(cancellationToken);
        subscriber._loop = Task.Run(async () =>
        {
            await using (subscription)
            {
                await foreach (var message in subscription.Msgs.ReadAllAsync(subscriber._stop.Token))
                {
                    onMessage(message.Subject, message.Data!);
                }
            }
        }, CancellationToken.None);
        return subscriber;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
