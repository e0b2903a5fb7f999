using RavenXcope.Common;
using RavenXcope.Grains.Model;

namespace RavenXcope.Grains.Audit;

/// <inheritdoc cref="IAuditGrain"/>
[GrainType("audit")]
public sealed partial class AuditGrain(IAuditStore store, AuditKey key, TimeProvider time, ILogger<AuditGrain> logger) : Grain, IAuditGrain
{
    private (long Sequence, byte[] Mac)? _last;
    private bool _loaded;

    /// <inheritdoc />
    public async Task<long> AppendAsync(AuditEvent entry, CancellationToken cancellationToken = default)
    {
        if (key.Key is null)
        {
            LogDisabled(logger, entry.Action);
            return 0;
        }

        var tenantId = this.GetPrimaryKeyString()[2..];
        if (!_loaded)
        {
            _last = await store.LastAsync(tenantId, cancellationToken);
            _loaded = true;
        }

        // Microsecond precision: what PostgreSQL keeps, so the verifier recomputes the same MAC.
        var now = time.GetUtcNow();
        var at = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
        var sequence = (_last?.Sequence ?? 0) + 1;
        var previous = _last?.Mac ?? AuditChain.Genesis;
        var detail = entry.Detail ?? string.Empty;
        var mac = AuditChain.Mac(key.Key, previous, tenantId, sequence, at, entry.Actor, entry.Action, entry.Subject, $"{entry.Outcome}\n{detail}");
        try
        {
            await store.InsertAsync(new AuditRow(tenantId, sequence, at, entry.Actor, entry.Action, entry.Subject, entry.Outcome, detail, previous, mac), cancellationToken);
        }
        catch
        {
            // Another activation appended first (a brief duplicate during cluster changes): reload next time.
            _loaded = false;
            throw;
        }

        _last = (sequence, mac);
        return sequence;
    }

    /// <inheritdoc />
    public async Task<AuditVerdict> VerifyPageAsync(AuditFilter filter, long after, int limit, CancellationToken cancellationToken = default)
    {
        if (key.Key is null)
        {
            return new AuditVerdict(false, 0, null, null, null);
        }

        var tenantId = this.GetPrimaryKeyString()[2..];
        var links = await store.LinkedPageAsync(tenantId, filter, Math.Max(0, after), Math.Clamp(limit, 1, 500), cancellationToken);
        return AuditPageCheck.Verify(key.Key, tenantId, links);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Audit is off (no AUDIT_HMAC_KEY): {Action} not recorded")]
    private static partial void LogDisabled(ILogger logger, string action);
}
