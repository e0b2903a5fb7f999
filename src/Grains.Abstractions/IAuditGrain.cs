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
}
