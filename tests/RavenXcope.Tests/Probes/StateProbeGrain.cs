using RavenXcope.Grains;

namespace RavenXcope.Tests.Probes;

/// <summary>A test grain with persistent state in the production storage provider.</summary>
[Alias("RavenXcope.Tests.IStateProbeGrain")]
public interface IStateProbeGrain : IGrainWithStringKey
{
    /// <summary>Stores <paramref name="value"/> (awaiting the write) and returns the hosting silo's identity.</summary>
    Task<string> WriteAsync(string value);

    /// <summary>The stored value and the hosting silo's identity.</summary>
    Task<StateProbeSnapshot> ReadAsync();
}

/// <summary>What <see cref="IStateProbeGrain.ReadAsync"/> returns.</summary>
[GenerateSerializer, Immutable, Alias("RavenXcope.Tests.StateProbeSnapshot")]
public sealed record StateProbeSnapshot([property: Id(0)] string? Value, [property: Id(1)] int Writes, [property: Id(2)] string Silo);

/// <summary>The persisted state.</summary>
[GenerateSerializer, Alias("RavenXcope.Tests.StateProbeState")]
public sealed class StateProbeState
{
    /// <summary>Last value written.</summary>
    [Id(0)]
    public string? Value { get; set; }

    /// <summary>Number of writes.</summary>
    [Id(1)]
    public int Writes { get; set; }
}

/// <inheritdoc cref="IStateProbeGrain"/>
[GrainType("test-state-probe")]
public sealed class StateProbeGrain(
    [PersistentState("testStateProbe", StorageNames.Default)] IPersistentState<StateProbeState> state) : Grain, IStateProbeGrain
{
    /// <inheritdoc />
    public async Task<string> WriteAsync(string value)
    {
        state.State.Value = value;
        state.State.Writes++;
        await state.WriteStateAsync();
        return RuntimeIdentity;
    }

    /// <inheritdoc />
    public Task<StateProbeSnapshot> ReadAsync() =>
        Task.FromResult(new StateProbeSnapshot(state.State.Value, state.State.Writes, RuntimeIdentity));
}
