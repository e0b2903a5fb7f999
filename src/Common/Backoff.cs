namespace RavenXcope.Common;

/// <summary>
/// Exponential backoff with jitter, up to a cap, for a retry loop. Each failure doubles the base delay
/// (from <c>initial</c> to <c>cap</c>); the delay returned is that base scaled by a random factor in
/// [1 - jitter, 1], so it never exceeds the cap and a fleet that failed at the same moment spreads its
/// retries over half the base or more instead of returning together. Only a success starts again from
/// <c>initial</c>: loading cached state, or a partial step, is not a success. Not thread-safe: one per loop.
/// </summary>
public sealed class Backoff
{
    private readonly Func<double> _random;
    private int _failures;

    /// <summary>A backoff from <paramref name="initial"/> doubling to <paramref name="cap"/>.</summary>
    /// <param name="initial">The base delay after the first failure.</param>
    /// <param name="cap">The largest delay.</param>
    /// <param name="jitter">The fraction of the base delay that is random (0 to 1).</param>
    /// <param name="random">A source of numbers in [0, 1) (tests pass their own); <see cref="Random.Shared"/> by default.</param>
    public Backoff(TimeSpan initial, TimeSpan cap, double jitter = 0.5, Func<double>? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, initial);
        ArgumentOutOfRangeException.ThrowIfNegative(jitter);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(jitter, 1);
        Initial = initial;
        Cap = cap;
        Jitter = jitter;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>The base delay after the first failure.</summary>
    public TimeSpan Initial { get; }

    /// <summary>The largest delay.</summary>
    public TimeSpan Cap { get; }

    /// <summary>The random fraction of each delay.</summary>
    public double Jitter { get; }

    /// <summary>Failures since the last success.</summary>
    public int Failures => _failures;

    /// <summary>The base (un-jittered) delay the next failure gets.</summary>
    public TimeSpan NextBase => BaseFor(_failures + 1);

    /// <summary>Records a failure and returns how long to wait before the next attempt.</summary>
    public TimeSpan Failed()
    {
        if (_failures < int.MaxValue)
        {
            _failures++;
        }

        return BaseFor(_failures) * (1 - (Jitter * Math.Clamp(_random(), 0, 1)));
    }

    /// <summary>Records a success: the next failure waits <see cref="Initial"/> again.</summary>
    public void Succeeded() => _failures = 0;

    private TimeSpan BaseFor(int failures)
    {
        // 2^(failures-1) overflows long before the cap matters: stop doubling once the cap is reached.
        var delay = Initial;
        for (var i = 1; i < failures && delay < Cap; i++)
        {
            delay *= 2;
        }

        return delay < Cap ? delay : Cap;
    }
}
