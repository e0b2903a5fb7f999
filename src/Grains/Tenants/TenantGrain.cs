using RavenXcope.Grains.Domain;
using RavenXcope.Grains.Model;
using RavenXcope.Grains.State;

namespace RavenXcope.Grains.Tenants;

/// <inheritdoc cref="ITenantGrain"/>
[GrainType("tenant")]
public sealed class TenantGrain(
    [PersistentState("tenant", StorageNames.Default)] IPersistentState<TenantState> state,
    IFleetDirectory directory,
    TimeProvider time) : Grain, ITenantGrain
{
    /// <inheritdoc />
    public async Task<Result<TenantSnapshot>> CreateAsync(string name, CancellationToken cancellationToken = default)
    {
        if (state.State.Exists)
        {
            return state.State.Name == name
                ? Result<TenantSnapshot>.Ok(Snapshot())
                : Result<TenantSnapshot>.Fail(RefusalCodes.TenantExists, $"tenant {state.State.TenantId} already exists with another name");
        }

        state.State.Exists = true;
        state.State.TenantId = this.GetPrimaryKeyString()[2..];
        state.State.Name = name;
        state.State.CreatedAt = time.GetUtcNow();
        await state.WriteStateAsync(cancellationToken);
        await directory.UpsertTenantAsync(Snapshot(), cancellationToken);
        return Result<TenantSnapshot>.Ok(Snapshot());
    }

    /// <inheritdoc />
    public Task<TenantSnapshot?> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(state.State.Exists ? Snapshot() : null);

    private TenantSnapshot Snapshot() => new(state.State.TenantId, state.State.Name, state.State.CreatedAt);
}
