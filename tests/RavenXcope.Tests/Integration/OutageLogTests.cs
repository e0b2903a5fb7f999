namespace RavenXcope.Tests.Integration;

/// <summary>
/// What an SRE reads in the silo's log through a database outage probed by a load balancer: the outage once when it
/// starts and once when it ends, with how many checks saw it, not a line (or a stack trace) per probe; and no retry
/// chatter at start-up.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OutageLogTests
{
    private const int Probes = 15;

    [Fact]
    public async Task A_database_outage_probed_many_times_is_two_health_lines_and_no_stack_trace()
    {
        await using var stack = await ProcessStack.StartAsync("outage_logs", withNats: false);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var health = new Uri(stack.SiloHealthUrl);
        var start = stack.Silo.Output.Length;

        await using (await stack.Database.BeginOutageAsync())
        {
            await Eventually.WaitAsync(async () => !(await http.GetAsync(health)).IsSuccessStatusCode, "the silo to report the database down");
            for (var i = 1; i < Probes; i++)
            {
                using var probe = await http.GetAsync(health);
                Assert.False(probe.IsSuccessStatusCode, $"probe {i} during the outage answered {(int)probe.StatusCode}");
            }
        }

        await Eventually.WaitAsync(async () => (await http.GetAsync(health)).IsSuccessStatusCode, "the silo to report the database back", TimeSpan.FromSeconds(60));
        await Eventually.WaitAsync(
            () => Task.FromResult(stack.Silo.Output.Contains("database is healthy again", StringComparison.Ordinal)),
            $"the silo to log the end of the outage:\n{stack.Silo.Output}");

        var during = LogLines.Parse(stack.Silo.Output[start..], json: false, "silo");
        var report = string.Join('\n', during.Select(e => $"{e.Level} {e.Category}: {e.Message}"));
        Assert.Single(during, e => e.Message.StartsWith("Health: database is Unhealthy", StringComparison.Ordinal));
        var ended = Assert.Single(during, e => e.Message.StartsWith("Health: database is healthy again", StringComparison.Ordinal));
        var checks = int.Parse(System.Text.RegularExpressions.Regex.Match(ended.Message, @"; (\d+) check").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(checks >= Probes, $"{checks} checks counted for {Probes} probes: {ended.Message}");
        Assert.True(during.Count <= 10, $"{during.Count} lines for one outage and {Probes} probes:\n{report}");
        Assert.DoesNotContain(during, e => e.Level != "error" && e.Message.Contains(" at Npgsql.", StringComparison.Ordinal));
        Assert.DoesNotContain("Execution attempt", stack.Silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Execution attempt", stack.Gateway.Output, StringComparison.Ordinal);
    }
}
