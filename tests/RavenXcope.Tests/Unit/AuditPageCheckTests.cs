using RavenXcope.Common;
using RavenXcope.Grains.Audit;

namespace RavenXcope.Tests.Unit;

/// <summary>The page verifier: each entry against its own MAC and the stored MAC of the entry before it.</summary>
public sealed class AuditPageCheckTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void An_untouched_chain_is_intact_for_the_entries_checked()
    {
        var chain = Chain(5);
        var verdict = AuditPageCheck.Verify(Key, "acme", Links(chain, 2, 4));
        Assert.True(verdict.Intact);
        Assert.Equal((3, 2L, 4L), (verdict.Count, verdict.First!.Value, verdict.Last!.Value));
        Assert.Equal("chain intact for entries 2–4", verdict.Sentence);
    }

    [Fact]
    public void An_entry_altered_in_place_is_named()
    {
        var chain = Chain(5);
        chain[2] = chain[2] with { Detail = "edited" };
        var verdict = AuditPageCheck.Verify(Key, "acme", Links(chain, 1, 5));
        Assert.Equal(3, verdict.Broken);
        Assert.Equal("entry 3 does not match: the chain was altered", verdict.Sentence);
    }

    [Fact]
    public void An_entry_whose_predecessor_is_missing_or_other_is_named()
    {
        var chain = Chain(4);
        Assert.Equal(3, AuditPageCheck.Verify(Key, "acme", [new AuditLink(chain[2], null)]).Broken);
        Assert.Equal(3, AuditPageCheck.Verify(Key, "acme", [new AuditLink(chain[2], chain[0].Mac)]).Broken);
        Assert.Equal("no entries to verify", AuditPageCheck.Verify(Key, "acme", []).Sentence);
    }

    private static List<AuditRow> Chain(int count)
    {
        var rows = new List<AuditRow>();
        var previous = AuditChain.Genesis;
        var at = new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
        for (var seq = 1; seq <= count; seq++)
        {
            var mac = AuditChain.Mac(Key, previous, "acme", seq, at, "user:admin", "sensor.create", $"sensor:s{seq}", "done\n");
            rows.Add(new AuditRow("acme", seq, at, "user:admin", "sensor.create", $"sensor:s{seq}", "done", string.Empty, previous, mac));
            previous = mac;
        }

        return rows;
    }

    private static List<AuditLink> Links(List<AuditRow> chain, int first, int last) =>
        [.. chain.Where(r => r.Sequence >= first && r.Sequence <= last).Select(r => new AuditLink(r, r.Sequence == 1 ? null : chain[(int)r.Sequence - 2].Mac))];
}
