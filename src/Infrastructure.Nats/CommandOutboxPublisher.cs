using NATS.Client.Core;
using NATS.Client.JetStream;
using RavenXcope.Grains.Nats;
using RavenXcope.Protocol.Nats;

namespace RavenXcope.Infrastructure.Nats;

/// <summary>
/// Publishes the sensor grains' outbox to the tenant's JetStream command stream, on the tenant's connection from
/// <see cref="NatsConnections"/>, with the command id as <c>Nats-Msg-Id</c> so that a retried publish is stored once.
/// </summary>
public sealed class CommandOutboxPublisher(NatsSettings settings, NatsConnections connections) : ICommandPublisher
{
    /// <inheritdoc />
    public bool Enabled => settings.Enabled;

    /// <inheritdoc />
    public async Task<ulong> PublishAsync(string tenantId, string sensorId, string commandId, byte[] payload, CancellationToken cancellationToken)
    {
        // Bounded: the grains' publisher retries, so a NATS that does not answer is an error after a short while,
        // never a wait as long as the client's reconnect.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(settings.OperationTimeout);
        try
        {
            var connection = await connections.TenantAsync(tenantId, bound.Token)
                ?? throw new InvalidOperationException($"tenant {tenantId} has no NATS account yet");
            var ack = await new NatsJSContext(connection.RequireOpen()).PublishAsync(
                NatsNames.CommandSubject(tenantId, sensorId), payload, opts: new NatsJSPubOpts { MsgId = commandId }, cancellationToken: bound.Token);
            ack.EnsureSuccess();
            return ack.Seq;
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"JetStream did not acknowledge within {settings.OperationTimeout.TotalSeconds:0.#} s");
        }
    }
}
