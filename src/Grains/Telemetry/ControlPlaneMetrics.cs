using System.Diagnostics.Metrics;

namespace RavenXcope.Grains.Telemetry;

/// <summary>
/// The silo's instruments (meter <c>RavenXcope</c>, exported on <c>/metrics</c>). Tags are bounded sets (outcome,
/// reason, state, tenant): never a sensor id. A <c>reason</c> is always a snake_case code, and only refusals carry
/// one. Counters start at zero for their usual label sets, so that a rate exists before the first event.
/// </summary>
public static class ControlPlaneMetrics
{
    /// <summary>The meter.</summary>
    public static readonly Meter Meter = new("RavenXcope");

    private static readonly Counter<long> Enrollments = Meter.CreateCounter<long>("rxc.enrollments", description: "Enrollments by outcome and reason");
    private static readonly Counter<long> Commands = Meter.CreateCounter<long>("rxc.commands", description: "Command ledger transitions by outcome");
    private static readonly Counter<long> StatusMessages = Meter.CreateCounter<long>("rxc.status_messages", description: "Status messages from agents, routed to grains or dropped");

    private static long _awaitingPublication;

    private static readonly ObservableGauge<long> AwaitingPublicationGauge = Meter.CreateObservableGauge(
        "rxc.commands.awaiting_publication",
        () => Interlocked.Read(ref _awaitingPublication),
        description: "Commands accepted by this silo's sensor grains and not yet in their JetStream stream");

    /// <summary>Commands accepted and not yet published, in this silo.</summary>
    public static long CommandsAwaitingPublication => Interlocked.Read(ref _awaitingPublication);

    /// <summary>Moves the gauge of commands awaiting publication by <paramref name="delta"/>.</summary>
    public static void AwaitingPublication(long delta)
    {
        if (delta != 0)
        {
            Interlocked.Add(ref _awaitingPublication, delta);
        }
    }

    /// <summary>
    /// Records zero for the usual label sets, so that every family is exported from the silo's start. Call once the
    /// metrics pipeline listens (a measurement made before it does is not seen).
    /// </summary>
    public static void Register()
    {
        Enrollments.Add(0, new KeyValuePair<string, object?>("outcome", "accepted"));
        StatusMessages.Add(0, new KeyValuePair<string, object?>("result", "routed"));
        StatusMessages.Add(0, new KeyValuePair<string, object?>("result", "dropped"));
        Commands.Add(0, new KeyValuePair<string, object?>("outcome", "published"));
        SuricataMetrics.Register();
    }

    /// <summary>Counts an accepted enrollment.</summary>
    public static void EnrollmentAccepted() => Enrollments.Add(1, new KeyValuePair<string, object?>("outcome", "accepted"));

    /// <summary>Counts a refused enrollment with its <paramref name="reason"/> (snake_case: a problem code, or the claim code's state).</summary>
    public static void EnrollmentRefused(string reason) =>
        Enrollments.Add(1, new KeyValuePair<string, object?>("outcome", "refused"), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Counts a command reaching <paramref name="outcome"/>.</summary>
    public static void Command(string outcome) => Commands.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Counts a status message.</summary>
    public static void StatusMessage(bool routed) => StatusMessages.Add(1, new KeyValuePair<string, object?>("result", routed ? "routed" : "dropped"));
}
