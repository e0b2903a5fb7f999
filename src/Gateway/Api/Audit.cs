using RavenXcope.Grains;
using RavenXcope.Grains.Model;

namespace RavenXcope.Gateway.Api;

/// <summary>Appends to a tenant's audit chain (through its audit grain, the chain's only writer).</summary>
public static partial class Audit
{
    /// <summary>Records <paramref name="action"/> on <paramref name="subject"/>; a failure is logged, never hides the operation's own result.</summary>
    public static async Task RecordAsync(HttpContext http, string tenantId, string actor, string action, string subject, string outcome, string? detail = null)
    {
        try
        {
            var cluster = http.RequestServices.GetRequiredService<IClusterClient>();
            await cluster.GetGrain<IAuditGrain>(Identifiers.AuditKey(tenantId)).AppendAsync(new AuditEvent(actor, action, subject, outcome, detail), http.RequestAborted);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or Npgsql.NpgsqlException or InvalidOperationException)
        {
            LogAuditFailed(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("RavenXcope.Audit"), tenantId, action, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit entry for tenant {TenantId} ({Action}) could not be written: {Reason}")]
    private static partial void LogAuditFailed(ILogger logger, string tenantId, string action, string reason);
}
