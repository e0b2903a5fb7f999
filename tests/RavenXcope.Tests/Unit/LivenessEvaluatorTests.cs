using RavenXcope.Grains.Domain;

namespace RavenXcope.Tests.Unit;

public sealed class LivenessEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, "online")]
    [InlineData(90, "online")]
    [InlineData(91, "stale")]
    [InlineData(600, "stale")]
    [InlineData(601, "offline")]
    public void Liveness_follows_the_silence_since_the_last_sign_of_life(int secondsSilent, string expected) =>
        Assert.Equal(expected, LivenessEvaluator.Evaluate(Now.AddSeconds(-secondsSilent), Now, TimeSpan.FromSeconds(30)));

    [Fact]
    public void A_sensor_never_heard_from_is_offline() =>
        Assert.Equal("offline", LivenessEvaluator.Evaluate(null, Now, TimeSpan.FromSeconds(30)));
}
