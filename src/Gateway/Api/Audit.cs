using RavenXcope.Grains.Audit;
using RavenXcope.Grains.Model;

namespace RavenXcope.Gateway.Api;

/// <summary>
/// Audit entries for what the gateway does itself (API keys, credentials handed to the provisioner's backend).
/// Everything a grain changes is recorded by that grain, with the actor this request carries (<see cref="AuditActor"/>).
/// </summary>
public static class Audit
{
    /// <summary>Records <paramref name="action"/> on <paramref name="subject"/> by the request's actor; a failure never hides the operation's result.</summary>
    public static Task RecordAsync(HttpContext http, string tenantId, string action, string subject, string outcome, string? detail = null) =>
        http.RequestServices.GetRequiredService<AuditTrail>().RecordAsync(tenantId, new AuditEvent(AuditActor.Current, action, subject, outcome, detail), http.RequestAborted);
}
