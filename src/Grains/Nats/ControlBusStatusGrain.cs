using Orleans.Concurrency;
using RavenXcope.Grains.Model;

namespace RavenXcope.Grains.Nats;

/// <summary>Answers with the local silo's <see cref="IControlBusHealth"/>; stateless, one per silo as needed.</summary>
[GrainType("control-bus-status"), StatelessWorker]
public sealed class ControlBusStatusGrain(IServiceProvider services) : Grain, IControlBusStatusGrain
{
    /// <inheritdoc />
    public Task<ControlBusStatus> GetAsync() =>
        services.GetService(typeof(IControlBusHealth)) is IControlBusHealth health
            ? health.DescribeAsync(CancellationToken.None)
            : Task.FromResult(new ControlBusStatus(false, false, 0, 0, 0, "this silo runs no NATS bridge"));
}
