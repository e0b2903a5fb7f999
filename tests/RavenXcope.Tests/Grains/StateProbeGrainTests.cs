using RavenXcope.Tests.Probes;

namespace RavenXcope.Tests.Grains;

[Collection(InMemoryClusterCollection.Name)]
public sealed class StateProbeGrainTests(InMemoryClusterFixture fixture)
{
    [Fact]
    public async Task State_written_before_answering_is_there_after_the_grain_is_deactivated()
    {
        var grain = fixture.Client.GetGrain<IStateProbeGrain>($"probe-{Guid.NewGuid():N}");
        await grain.WriteAsync("first");
        await grain.WriteAsync("second");

        await fixture.Cluster.DeactivateAsync(grain);

        var snapshot = await grain.ReadAsync();
        Assert.Equal("second", snapshot.Value);
        Assert.Equal(2, snapshot.Writes);
    }

    [Fact]
    public async Task Each_key_has_its_own_state()
    {
        var first = fixture.Client.GetGrain<IStateProbeGrain>($"probe-{Guid.NewGuid():N}");
        var second = fixture.Client.GetGrain<IStateProbeGrain>($"probe-{Guid.NewGuid():N}");
        await first.WriteAsync("mine");

        Assert.Null((await second.ReadAsync()).Value);
        Assert.Equal("mine", (await first.ReadAsync()).Value);
    }
}

[Collection(InMemoryClusterCollection.Name)]
public sealed class GrainReferenceTests(InMemoryClusterFixture fixture)
{
    [Fact]
    public async Task A_reference_from_the_resolved_types_is_the_grain_GetGrain_names()
    {
        var (_, tenantId, sensorId) = await fixture.RegisteredSensorAsync();
        var key = RavenXcope.Grains.Model.Identifiers.SensorKey(tenantId, sensorId);
        var named = fixture.Client.GetGrain<RavenXcope.Grains.ISensorGrain>(key);

        var fast = RavenXcope.Grains.GrainReferences.Sensor(fixture.Client, tenantId, sensorId);
        var again = RavenXcope.Grains.GrainReferences.Grain<RavenXcope.Grains.ISensorGrain>(fixture.Client, key);

        Assert.Equal(named.GetGrainId(), fast.GetGrainId());
        Assert.Equal(((Orleans.Runtime.GrainReference)named).InterfaceType, ((Orleans.Runtime.GrainReference)fast).InterfaceType);
        Assert.Equal(fast.GetGrainId(), again.GetGrainId());
        Assert.Equal(sensorId, (await fast.GetAsync())!.SensorId);
    }
}
