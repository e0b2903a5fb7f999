namespace RavenXcope.Protocol.Messages;

/// <summary>The command types a command message names.</summary>
public static class CommandTypes
{
    /// <summary>Start Suricata.</summary>
    public const string Start = "start";

    /// <summary>Stop Suricata.</summary>
    public const string Stop = "stop";

    /// <summary>Restart Suricata.</summary>
    public const string Restart = "restart";
}
