using Orleans.Runtime;
using RavenXcope.Grains.Model;

namespace RavenXcope.Grains;

/// <summary>
/// Grain references for the hot paths (a status message, a heartbeat): <c>GetGrain&lt;T&gt;(key)</c> looks up the
/// interface's attributes by reflection on every call, which was an eighth of the silo's CPU while it routed
/// status messages. The grain and interface types are resolved once per interface; a reference is then
/// made from them and the key alone.
/// </summary>
public static class GrainReferences
{
    /// <summary>The grain of <typeparamref name="TGrain"/> with key <paramref name="key"/>, as <c>GetGrain</c> would give it.</summary>
    public static TGrain Grain<TGrain>(this IGrainFactory factory, string key)
        where TGrain : IGrainWithStringKey
    {
        var types = Types<TGrain>.Resolved ??= Types<TGrain>.Resolve(factory);
        return (TGrain)factory.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
    }

    /// <summary>The sensor grain of <paramref name="tenantId"/>/<paramref name="sensorId"/>.</summary>
    public static ISensorGrain Sensor(this IGrainFactory factory, string tenantId, string sensorId) =>
        factory.Grain<ISensorGrain>(Identifiers.SensorKey(tenantId, sensorId));

    private static class Types<TGrain>
        where TGrain : IGrainWithStringKey
    {
        // Written once (a reference assignment); a race resolves the same types twice.
        public static Resolution? Resolved;

        public static Resolution Resolve(IGrainFactory factory)
        {
            var sample = (GrainReference)(object)factory.GetGrain<TGrain>("resolve");
            return new Resolution(sample.GrainId.Type, sample.InterfaceType);
        }
    }

    private sealed record Resolution(GrainType Grain, GrainInterfaceType Interface);
}
