namespace NATS.NKeys;

/// <summary>
/// Raised when a key or seed does not decode. The message never repeats the input: a seed is a secret.
/// </summary>
public sealed class NKeysException : FormatException
{
    /// <summary>Creates the exception with a message that describes what is wrong.</summary>
    public NKeysException(string message)
        : base(message)
    {
    }
}
