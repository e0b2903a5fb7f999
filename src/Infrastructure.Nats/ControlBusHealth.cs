using RavenXcope.Grains.Model;
using RavenXcope.Grains.Nats;

namespace RavenXcope.Infrastructure.Nats;

/// <summary>
/// The control bus as this silo sees it: NATS answering on the SYS connection, the tenant connections
/// <see cref="NatsConnections"/> holds, the status pumps of <see cref="StatusBridge"/>, and the commands waiting in
/// the grains' outboxes. Connected only when NATS answers, no tenant connection is down and every pump is subscribed.
/// </summary>
public sealed class ControlBusHealth(NatsSettings settings, NatsConnections connections, NatsControlBus bus, StatusBridge bridge) : IControlBusHealth
{
    /// <inheritdoc />
    public async Task<ControlBusStatus> DescribeAsync(CancellationToken cancellationToken)
    {
        if (!settings.Enabled)
        {
            return new ControlBusStatus(false, false, 0, 0, 0, "the NATS control bus is not configured");
        }

        var open = connections.OpenTenantConnections;
        var down = connections.DownTenantConnections;
        var (pumps, running) = (bridge.Pumps, bridge.RunningPumps);
        var awaiting = Grains.Telemetry.ControlPlaneMetrics.CommandsAwaitingPublication;
        var reachable = await bus.PingAsync(cancellationToken);
        var state = reachable is null ? "answers" : $"unreachable ({reachable})";
        var detail = $"NATS at {settings.Url} {state}; tenant connections open {open}, down {down}; status pumps subscribed {running} of {pumps}; {awaiting} command(s) awaiting publication";
        return new ControlBusStatus(true, reachable is null && down == 0 && running == pumps, open, down, awaiting, detail);
    }
}
