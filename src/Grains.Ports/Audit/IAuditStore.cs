using RavenXcope.Grains.Model;

namespace RavenXcope.Grains.Audit;

/// <summary>One stored audit entry.</summary>
public sealed record AuditRow(string TenantId, long Sequence, DateTimeOffset At, string Actor, string Action, string Subject, string Outcome, string Detail, byte[] PreviousMac, byte[] Mac);

/// <summary>A stored entry with the stored MAC of the entry before it (null when that entry is missing).</summary>
public sealed record AuditLink(AuditRow Row, byte[]? PredecessorMac);

/// <summary>The audit table (<c>audit_log</c>); written only through each tenant's audit grain.</summary>
public interface IAuditStore
{
    /// <summary>The last entry's sequence and MAC, or null for an empty chain.</summary>
    Task<(long Sequence, byte[] Mac)?> LastAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Inserts an entry; a duplicate sequence fails (the chain cannot fork).</summary>
    Task InsertAsync(AuditRow row, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> entries after sequence <paramref name="after"/> that match <paramref name="filter"/>, in sequence order, each with its predecessor's MAC.</summary>
    Task<IReadOnlyList<AuditLink>> LinkedPageAsync(string tenantId, AuditFilter filter, long after, int limit, CancellationToken cancellationToken);
}

/// <summary>The audit chain's HMAC key; without one, auditing is off.</summary>
public sealed record AuditKey(byte[]? Key);
