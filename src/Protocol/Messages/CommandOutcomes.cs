namespace RavenXcope.Protocol.Messages;

/// <summary>The outcomes an agent reports for a command.</summary>
public static class CommandOutcomes
{
    /// <summary>Taken, not finished yet.</summary>
    public const string Accepted = "accepted";

    /// <summary>Carried out.</summary>
    public const string Done = "done";

    /// <summary>Tried and failed.</summary>
    public const string Failed = "failed";

    /// <summary>Arrived after its expiry; not carried out.</summary>
    public const string Expired = "expired";
}
