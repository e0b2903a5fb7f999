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
}
