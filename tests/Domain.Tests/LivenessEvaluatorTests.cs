
namespace RavenXcope.Domain.Tests;

public sealed class LivenessEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0, "online")]
    [InlineData(90, "online")]
    [InlineData(91, "stale")]
    [InlineData(600, "stale")]
    [InlineData(601, "offline")]
    public void Liveness_follows_the_silence_since_the_last_sign_of_life(int secondsSilent, string expected)
    {
        var seen = Now.AddSeconds(-secondsSilent);
        Assert.Equal(expected, LivenessEvaluator.Evaluate(SensorLifecycle.Enrolled, seen, seen, natsExpected: true, Now, Interval));
    }

    [Fact]
    public void A_sensor_never_heard_from_is_offline() =>
        Assert.Equal("offline", LivenessEvaluator.Evaluate(SensorLifecycle.Enrolled, null, null, natsExpected: true, Now, Interval));

    [Theory]
    [InlineData(null)]
    [InlineData(91)]
    [InlineData(3600)]
    public void Heartbeats_without_status_messages_are_degraded_when_the_sensor_has_nats_credentials(int? statusSilentSeconds)
    {
        DateTimeOffset? status = statusSilentSeconds is { } s ? Now.AddSeconds(-s) : null;
        Assert.Equal("degraded", LivenessEvaluator.Evaluate(SensorLifecycle.Enrolled, Now.AddSeconds(-5), status, natsExpected: true, Now, Interval));
        Assert.Equal("online", LivenessEvaluator.Evaluate(SensorLifecycle.Enrolled, Now.AddSeconds(-5), status, natsExpected: false, Now, Interval));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(200)]
    public void Status_messages_without_heartbeats_are_degraded(int? heartbeatSilentSeconds)
    {
        DateTimeOffset? beat = heartbeatSilentSeconds is { } s ? Now.AddSeconds(-s) : null;
        Assert.Equal("degraded", LivenessEvaluator.Evaluate(SensorLifecycle.Enrolled, beat, Now.AddSeconds(-1), natsExpected: true, Now, Interval));
    }

    [Theory]
    [InlineData(SensorLifecycle.Disabled, "disabled")]
    [InlineData(SensorLifecycle.Revoked, "revoked")]
    public void A_disabled_or_revoked_sensor_is_never_online_whatever_its_agent_sends(SensorLifecycle lifecycle, string expected) =>
        Assert.Equal(expected, LivenessEvaluator.Evaluate(lifecycle, Now, Now, natsExpected: true, Now, Interval));

    [Fact]
    public void Every_value_is_listed()
    {
        var seen = new HashSet<string>();
        foreach (var lifecycle in Enum.GetValues<SensorLifecycle>())
        {
            foreach (var offset in new int?[] { null, 1, 100, 1000 })
            {
                DateTimeOffset? at = offset is { } o ? Now.AddSeconds(-o) : null;
                seen.Add(LivenessEvaluator.Evaluate(lifecycle, at, at, true, Now, Interval));
                seen.Add(LivenessEvaluator.Evaluate(lifecycle, Now, at, true, Now, Interval));
            }
        }

        Assert.Subset(LivenessEvaluator.Values.ToHashSet(), seen);
    }
}
