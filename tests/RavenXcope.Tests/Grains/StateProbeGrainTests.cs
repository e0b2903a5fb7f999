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
