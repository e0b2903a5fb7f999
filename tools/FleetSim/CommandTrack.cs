namespace RavenXcope.FleetSim;

/// <summary>What the simulator knows of one command it submitted.</summary>
internal sealed class CommandTrack(string commandId, VirtualSensor target, string type, long submittedAt)
{
    public string CommandId { get; } = commandId;

    public VirtualSensor Target { get; } = target;

    public string Type { get; } = type;

    public long SubmittedAt { get; } = submittedAt;

    public bool Received { get; set; }

    public string? ReportedOutcome { get; set; }

    public string? FinalStatus { get; set; }

    public string? LastSeenStatus { get; set; }
}
