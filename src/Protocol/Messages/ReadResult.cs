namespace RavenXcope.Protocol.Messages;

/// <summary>A message the <see cref="ProtocolReader"/> accepted, or the reason it refused it.</summary>
/// <typeparam name="T">The message type.</typeparam>
/// <param name="Message">The message, when accepted.</param>
/// <param name="Refusal">Why it was refused (for a log or a counter; never sent back).</param>
public readonly record struct ReadResult<T>(T? Message, string? Refusal)
    where T : class
{
    /// <summary>True when <see cref="Message"/> holds the message.</summary>
    public bool IsAccepted => Message is not null;

    /// <summary>An accepted message.</summary>
    public static ReadResult<T> Accepted(T message) => new(message, null);

    /// <summary>A refused message.</summary>
    public static ReadResult<T> Refused(string reason) => new(null, reason);
}
