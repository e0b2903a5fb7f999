using System.Text.Json;
using RavenXcope.Common;

namespace RavenXcope.Tests.Unit;

public sealed class RecentOutcomesTests
{
    [Fact]
    public void Keeps_the_latest_outcomes_oldest_first_and_writes_the_names_the_bridge_reads()
    {
        var recent = new RecentOutcomes(capacity: 3);
        for (var i = 1; i <= 5; i++)
        {
            recent.Add($"cmd-{i}", i % 2 == 0 ? "failed" : "done");
        }

        Assert.Equal(["cmd-3", "cmd-4", "cmd-5"], recent.Snapshot().Select(o => o.CommandId));
        Assert.Equal(
            """[{"commandId":"cmd-3","outcome":"done"},{"commandId":"cmd-4","outcome":"failed"},{"commandId":"cmd-5","outcome":"done"}]""",
            JsonSerializer.Serialize(recent.Snapshot()));
    }
}
