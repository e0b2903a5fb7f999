namespace RavenXcope.Protocol;

/// <summary>The limits agents and the control plane agree on; a sender stays within them, a reader enforces them.</summary>
public static class ProtocolLimits
{
    /// <summary>
    /// Most command outcomes one status message carries (the agent's unconfirmed outcomes, oldest first). A sender may
    /// carry fewer; a reader ignores the outcomes beyond this many.
    /// </summary>
    public const int MaxRecentOutcomes = 128;

    /// <summary>Longest text field of a status message (ids, outcomes, states, the agent version); a longer one is read as absent.</summary>
    public const int MaxStatusTextLength = 128;

    /// <summary>
    /// Longest detail of a command outcome (why it failed); a sender shortens a longer one, a reader reads a longer one
    /// as absent. With <see cref="MaxRecentOutcomes"/> outcomes at their longest a status stays under
    /// <see cref="MaxStatusBytes"/>.
    /// </summary>
    public const int MaxOutcomeDetailLength = 200;

    /// <summary>Longest error text of a status's Suricata report; a sender shortens a longer one, a reader reads a longer one as absent.</summary>
    public const int MaxSuricataErrorLength = 1000;

    /// <summary>
    /// Largest status message a reader accepts: the fixed fields at their longest plus <see cref="MaxRecentOutcomes"/>
    /// outcomes at their longest, with room to spare.
    /// </summary>
    public const int MaxStatusBytes = 64 * 1024;

    /// <summary>Largest command message a reader accepts (a command is four short fields).</summary>
    public const int MaxCommandBytes = 4 * 1024;

    /// <summary>Longest command id a reader accepts.</summary>
    public const int MaxCommandIdLength = 128;
}
