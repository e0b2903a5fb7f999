using RavenXcope.Grains.Model;

namespace RavenXcope.Grains.Nats;

/// <summary>Describes the control bus as this silo sees it (implemented in RavenXcope.Infrastructure.Nats).</summary>
public interface IControlBusHealth
{
    /// <summary>Probes NATS (bounded) and reports the bridge's connections.</summary>
    Task<ControlBusStatus> DescribeAsync(CancellationToken cancellationToken);
}
