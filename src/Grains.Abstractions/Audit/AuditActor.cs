namespace RavenXcope.Grains.Audit;

/// <summary>
/// Who is acting, carried with every grain call in Orleans' request context: the gateway sets it once per request
/// (an API key, a sensor, the provisioner's backend), and the grain that makes the change records it. Calls that
/// no person or sensor made (reminders, timers) are the system's.
/// </summary>
public static class AuditActor
{
    private const string Key = "rxc-actor";

    /// <summary>The actor of the call being served, or <c>system</c>.</summary>
    public static string Current => RequestContext.Get(Key) as string ?? "system";

    /// <summary>Sets the actor for the calls that follow in this request.</summary>
    public static void Set(string actor) => RequestContext.Set(Key, actor);
}
