using System.Diagnostics.Metrics;

namespace RavenXcope.Grains.Telemetry;

/// <summary>
/// The control plane's instruments (meter <c>RavenXcope</c>, exported on <c>/metrics</c>). Tags are bounded
/// sets (outcome, reason, state, tenant): never a sensor id.
/// </summary>
public static class ControlPlaneMetrics
{
    /// <summary>The meter.</summary>
    public static readonly Meter Meter = new("RavenXcope");

    private static readonly Counter<long> Enrollments = Meter.CreateCounter<long>("rxc.enrollments", description: "Enrollments by outcome and reason");
    private static readonly Counter<long> Commands = Meter.CreateCounter<long>("rxc.commands", description: "Command ledger transitions by outcome");
    private static readonly Counter<long> StatusMessages = Meter.CreateCounter<long>("rxc.status_messages", description: "Status messages from agents, routed to grains or dropped");

    /// <summary>Counts an enrollment.</summary>
    public static void Enrollment(bool accepted, string reason) =>
        Enrollments.Add(1, new KeyValuePair<string, object?>("outcome", accepted ? "accepted" : "refused"), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Counts a command reaching <paramref name="outcome"/>.</summary>
    public static void Command(string outcome) => Commands.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Counts a status message.</summary>
    public static void StatusMessage(bool routed) => StatusMessages.Add(1, new KeyValuePair<string, object?>("result", routed ? "routed" : "dropped"));
}
