using RavenXcope.Grains.Model;

namespace RavenXcope.Grains;

/// <summary>
/// A tenant's tamper-evident audit chain (key: <see cref="Identifiers.AuditKey"/>). Every entry is
/// appended through this one grain, so the chain cannot fork; each entry's MAC covers the entry and the
/// previous MAC.
/// </summary>
[Alias("RavenXcope.IAuditGrain")]
public interface IAuditGrain : IGrainWithStringKey
{
    /// <summary>Appends an entry and returns its sequence number.</summary>
    Task<long> AppendAsync(AuditEvent entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// The verdict on the entries a page shows (after <paramref name="after"/>, up to <paramref name="limit"/>, matching
    /// <paramref name="filter"/>), computed here because only the silo holds the audit key.
    /// </summary>
    Task<AuditVerdict> VerifyPageAsync(AuditFilter filter, long after, int limit, CancellationToken cancellationToken = default);
}
