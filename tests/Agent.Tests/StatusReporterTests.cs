using System.Text;
using RavenXcope.Protocol;
using RavenXcope.Protocol.Messages;

namespace RavenXcope.Agent.Tests;

/// <summary>What the agent puts on the wire is what the control plane's reader accepts.</summary>
public sealed class StatusReporterTests
{
    [Fact]
    public void The_status_the_agent_builds_today_is_read()
    {
        var body = StatusReporter.Build(new StatusFacts("running", "running", "cmd_3", "done", "trusted"), [new CommandOutcome("cmd_3", "done")]);

        var read = ProtocolReader.ReadStatus(body);

        Assert.True(read.IsAccepted, read.Refusal);
        Assert.Equal([new CommandOutcome("cmd_3", "done")], read.Message!.RecentOutcomes!);
    }

    [Fact]
    public void Suricatas_own_facts_and_an_outcomes_detail_travel_within_version_1()
    {
        var facts = new StatusFacts("running", "running", "cmd_3", "failed", "trusted", new SuricataReport("7.0.10 RELEASE", 42, 1, 0, 120, 3));
        var read = ProtocolReader.ReadStatus(StatusReporter.Build(facts, [new CommandOutcome("cmd_3", "failed", "'suricata -T' failed (exit code 1): bad yaml")]));

        Assert.True(read.IsAccepted, read.Refusal);
        Assert.Equal(1, read.Message!.Version);
        Assert.Equal(new SuricataReport("7.0.10 RELEASE", 42, 1, 0, 120, 3), read.Message.Suricata);
        Assert.Equal("'suricata -T' failed (exit code 1): bad yaml", read.Message.RecentOutcomes![0].Detail);

        // What Suricata reported, as the agent puts it on the wire.
        var json = Encoding.UTF8.GetString(StatusReporter.Build(facts, [new CommandOutcome("cmd_3", "failed", "x")]));
        Assert.Contains("\"suricata\":{\"version\":\"7.0.10 RELEASE\",\"uptimeSeconds\":42,\"rulesLoaded\":1,\"rulesFailed\":0,\"packets\":120,\"kernelDrops\":3}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void The_longest_status_an_agent_sends_stays_within_the_size_a_reader_accepts()
    {
        var longest = new string('x', ProtocolLimits.MaxStatusTextLength);
        var outcomes = Enumerable.Range(0, ProtocolLimits.MaxRecentOutcomes)
            .Select(_ => new CommandOutcome(longest, CommandOutcomes.Accepted, new string('d', ProtocolLimits.MaxOutcomeDetailLength))).ToList();
        var report = new SuricataReport(longest, long.MaxValue, long.MaxValue, long.MaxValue, long.MaxValue, long.MaxValue, int.MaxValue, new string('e', ProtocolLimits.MaxSuricataErrorLength));

        var body = StatusReporter.Build(new StatusFacts(longest, longest, longest, longest, longest, report), outcomes);

        Assert.True(body.Length <= ProtocolLimits.MaxStatusBytes, $"{body.Length} bytes");
        Assert.True(ProtocolReader.ReadStatus(body).IsAccepted);
    }
}
