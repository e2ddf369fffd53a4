namespace Sluice.Mesos.Http;

/// <summary>
/// Exponential backoff with "equal jitter": attempt n waits between half and all of
/// min(max, initial × 2ⁿ), so retries of many clients spread out but never shrink to zero.
/// </summary>
/// <remarks>Not thread-safe; one per retry loop.</remarks>
internal sealed class ExponentialBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly Random _random;
    private int _attempt;

    public ExponentialBackoff(TimeSpan initial, TimeSpan max, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        _initial = initial;
        _max = max;
        _random = random;
    }

    /// <summary>Attempts since the last <see cref="Reset"/>.</summary>
    public int Attempt => _attempt;

    /// <summary>The upper bound of the next delay, before jitter.</summary>
    public TimeSpan NextCeiling()
    {
        // 2^attempt overflows long before it matters: cap the exponent.
        double factor = Math.Pow(2, Math.Min(_attempt, 30));
        return TimeSpan.FromTicks((long)Math.Min(_max.Ticks, _initial.Ticks * factor));
    }

    /// <summary>The next delay: in [ceiling / 2, ceiling].</summary>
    public TimeSpan Next()
    {
        TimeSpan ceiling = NextCeiling();
        _attempt++;
        double jitter;
        // One Random may serve several loops (subscription and calls) of a client: guard it.
        lock (_random)
        {
            jitter = _random.NextDouble();
        }

        return ceiling / 2 + ceiling / 2 * jitter;
    }

    public void Reset() => _attempt = 0;

    /// <summary>Waits <see cref="Next"/> on <paramref name="timeProvider"/>'s clock.</summary>
    public Task DelayAsync(TimeProvider timeProvider, CancellationToken cancellationToken) =>
        Task.Delay(Next(), timeProvider, cancellationToken);
}
