namespace RavenXcope.Protocol.Messages;

/// <summary>
/// Versions of the NATS messages. A message without a <c>v</c> field is version 1, the format agents have always sent;
/// a reader accepts the versions it knows and refuses any other, so that a change of meaning is never misread.
/// A field added that a reader may ignore without misreading the rest (optional, left out of the JSON when absent,
/// such as a status's <c>suricata</c> or an outcome's <c>detail</c>) keeps the version: readers skip members they do
/// not know, so agents and silos of either age keep understanding each other while a fleet is upgraded.
/// </summary>
public static class ProtocolVersions
{
    /// <summary>The status message version this side writes.</summary>
    public const int Status = 1;

    /// <summary>The command message version this side writes.</summary>
    public const int Command = 1;

    /// <summary>Status message versions this side reads.</summary>
    public static IReadOnlyList<int> StatusRead { get; } = [1];

    /// <summary>Command message versions this side reads.</summary>
    public static IReadOnlyList<int> CommandRead { get; } = [1];
}
