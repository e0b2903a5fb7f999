using RavenXcope.Common;
using RavenXcope.Grains.Model;

namespace RavenXcope.Grains.Audit;

/// <summary>
/// Checks entries of a chain one by one, each against the stored MAC of the entry before it: so a page, filtered
/// or not, is verified without reading the chain from its start. An entry altered in place fails its own MAC; one
/// deleted breaks its successor's link; one inserted breaks its own.
/// </summary>
public static class AuditPageCheck
{
    /// <summary>The verdict on <paramref name="links"/> (in sequence order) under <paramref name="key"/>.</summary>
    public static AuditVerdict Verify(byte[] key, string tenantId, IReadOnlyList<AuditLink> links)
    {
        foreach (var (row, predecessor) in links)
        {
            var previous = row.Sequence == 1 ? AuditChain.Genesis : predecessor;
            var mac = AuditChain.Mac(key, row.PreviousMac, tenantId, row.Sequence, row.At, row.Actor, row.Action, row.Subject, $"{row.Outcome}\n{row.Detail}");
            if (row.Sequence < 1 || previous is null || !row.PreviousMac.AsSpan().SequenceEqual(previous) || !mac.AsSpan().SequenceEqual(row.Mac))
            {
                return new AuditVerdict(true, links.Count, links[0].Row.Sequence, links[^1].Row.Sequence, row.Sequence);
            }
        }

        return links.Count == 0
            ? new AuditVerdict(true, 0, null, null, null)
            : new AuditVerdict(true, links.Count, links[0].Row.Sequence, links[^1].Row.Sequence, null);
    }
}
