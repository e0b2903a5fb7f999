namespace RavenXcope.Grains.State;

/// <summary>Writing grain state so that memory never runs ahead of storage.</summary>
public static class PersistentStateExtensions
{
    /// <summary>
    /// Writes the state; when the write fails (database away, out of connections, an ETag conflict) the
    /// activation is dropped before the error goes back to the caller, so that the next call reads what was
    /// stored instead of acting on a change that never was (a command "accepted" only in memory, say). A database
    /// error reaches the caller as <see cref="Model.StorageUnavailableException"/>.
    /// </summary>
    public static async Task WriteOrResetAsync<T>(this IPersistentState<T> state, IGrainBase grain, CancellationToken cancellationToken)
    {
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch (Exception e)
        {
            grain.GrainContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, "a state write failed; the next call reloads the stored state"), CancellationToken.None);
            if (e is Orleans.Storage.InconsistentStateException or OperationCanceledException)
            {
                throw;
            }

            // The storage provider has logged the cause; the driver's exception would not cross to the caller.
            throw new Model.StorageUnavailableException();
        }
    }
}
