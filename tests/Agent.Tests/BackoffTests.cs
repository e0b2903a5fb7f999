using RavenXcope.Common;

namespace RavenXcope.Agent.Tests;

public sealed class BackoffTests
{
    [Fact]
    public void Each_failure_doubles_the_base_delay_up_to_the_cap()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), jitter: 0.5, random: () => 0);
        var delays = Enumerable.Range(0, 10).Select(_ => backoff.Failed().TotalSeconds).ToArray();
        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60, 60], delays);
        Assert.Equal(10, backoff.Failures);
    }

    [Fact]
    public void The_jitter_keeps_every_delay_between_half_the_base_and_the_base()
    {
        var random = new Random(7);
        var backoff = new Backoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), jitter: 0.5, random: random.NextDouble);
        var seen = new HashSet<double>();
        for (var i = 1; i <= 200; i++)
        {
            var expectedBase = Math.Min(30, 2 * Math.Pow(2, Math.Min(i - 1, 10)));
            var delay = backoff.Failed().TotalSeconds;
            Assert.InRange(delay, expectedBase / 2, expectedBase);
            Assert.True(delay <= 30, "never above the cap");
            seen.Add(Math.Round(delay, 3));
        }

        // The delays are spread, not one value: a fleet that failed together does not return together.
        Assert.True(seen.Count > 100, $"only {seen.Count} distinct delays");
    }

    [Fact]
    public void The_extremes_of_the_random_source_stay_within_the_bounds()
    {
        var high = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), jitter: 0.5, random: () => 0.999999);
        var low = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), jitter: 0.5, random: () => 0);
        for (var i = 0; i < 6; i++)
        {
            Assert.InRange(high.Failed().TotalSeconds, 0.5, 8);
            Assert.InRange(low.Failed().TotalSeconds, 0.5, 8);
        }

        Assert.Equal(8, low.Failed().TotalSeconds);
        Assert.InRange(high.Failed().TotalSeconds, 4, 4.001);
    }

    [Fact]
    public void Only_a_success_starts_again_from_the_initial_delay()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), jitter: 0.5, random: () => 0);
        backoff.Failed();
        backoff.Failed();
        backoff.Failed();
        Assert.Equal(TimeSpan.FromSeconds(8), backoff.NextBase);
        Assert.Equal(TimeSpan.FromSeconds(8), backoff.Failed());

        backoff.Succeeded();
        Assert.Equal(0, backoff.Failures);
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Failed());
    }

    [Fact]
    public void Thousands_of_failures_neither_overflow_nor_exceed_the_cap()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5), jitter: 0, random: () => 0.5);
        TimeSpan last = default;
        for (var i = 0; i < 10_000; i++)
        {
            last = backoff.Failed();
        }

        Assert.Equal(TimeSpan.FromMinutes(5), last);
    }

    [Fact]
    public void A_fleet_failing_together_spreads_its_retries_at_the_cap()
    {
        // 10 000 agents that lost the server at once, each at its cap: at most a few hundred a second return.
        var random = new Random(11);
        var perSecond = new int[61];
        for (var agent = 0; agent < 10_000; agent++)
        {
            var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), random: random.NextDouble);
            for (var i = 0; i < 6; i++)
            {
                backoff.Failed();
            }

            perSecond[(int)backoff.Failed().TotalSeconds]++;
        }

        Assert.True(perSecond.Max() < 1_000, $"the busiest second had {perSecond.Max()} retries");
    }
}
