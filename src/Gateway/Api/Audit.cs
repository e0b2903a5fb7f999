using RavenXcope.Grains;
using RavenXcope.Grains.Model;

namespace RavenXcope.Gateway.Api;

/// <summary>Appends to a tenant's audit chain (through its audit grain, the chain's only writer).</summary>
public static partial class Audit
{
    /// <summary>
    /// Records <paramref name="action"/> on <paramref name="subject"/>. A failure never hides the operation's own result:
    /// a transient one (database or cluster away) leaves the entry to <see cref="AuditOutbox"/>, which appends it later.
    /// </summary>
    public static async Task RecordAsync(HttpContext http, string tenantId, string actor, string action, string subject, string outcome, string? detail = null)
    {
        var entry = new AuditEvent(actor, action, subject, outcome, detail);
        try
        {
            var cluster = http.RequestServices.GetRequiredService<IClusterClient>();
            await cluster.Grain<IAuditGrain>(Identifiers.AuditKey(tenantId)).AppendAsync(entry, http.RequestAborted);
        }
        catch (Exception e) when (IsTransient(e))
        {
            var queued = http.RequestServices.GetRequiredService<AuditOutbox>().Enqueue(tenantId, entry);
            LogAuditDeferred(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("RavenXcope.Audit"), tenantId, action, e.Message, queued ? "kept for a retry" : "lost");
        }
    }

    /// <summary>Errors after which the same append may succeed later.</summary>
    /// <remarks>
    /// Wider than an outage: the operation has already taken effect, so any refusal by the database (not only a lost
    /// connection) keeps the entry for a retry rather than failing a request whose change stands.
    /// </remarks>
    public static bool IsTransient(Exception e) =>
        Unavailability.Code(e) is not null || e is System.Data.Common.DbException || e is InvalidOperationException || (e is OperationCanceledException && e.InnerException is TimeoutException);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit entry for tenant {TenantId} ({Action}) could not be written ({Reason}): {Disposition}")]
    private static partial void LogAuditDeferred(ILogger logger, string tenantId, string action, string reason, string disposition);
}
