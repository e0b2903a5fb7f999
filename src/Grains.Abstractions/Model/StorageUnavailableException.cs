namespace RavenXcope.Grains.Model;

/// <summary>
/// A grain could not save its state (the database is away or restarting). Nothing was changed: the grain
/// deactivated and its next call reloads what was stored. The caller may retry; the cause is in the silo's log,
/// not in this exception, which crosses to the gateway (a database driver's exception cannot).
/// </summary>
[GenerateSerializer, Alias("RavenXcope.StorageUnavailableException")]
public sealed class StorageUnavailableException : Exception
{
    /// <summary>Creates the exception with the default message.</summary>
    public StorageUnavailableException()
        : base("the state could not be saved: the database is unavailable")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and <paramref name="innerException"/> (kept in the silo only).</summary>
    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
