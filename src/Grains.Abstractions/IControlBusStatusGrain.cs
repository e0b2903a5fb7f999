using RavenXcope.Grains.Model;

namespace RavenXcope.Grains;

/// <summary>
/// How the control bus looks from a silo: whether NATS answers, the bridge's tenant connections, commands waiting
/// for publication. A stateless worker, so the gateway's health check asks whichever silo it reaches. Key:
/// <see cref="Key"/>.
/// </summary>
[Alias("RavenXcope.IControlBusStatusGrain")]
public interface IControlBusStatusGrain : IGrainWithStringKey
{
    /// <summary>The one key.</summary>
    public const string Key = "control-bus";

    /// <summary>The silo's view of NATS now.</summary>
    Task<ControlBusStatus> GetAsync();
}
