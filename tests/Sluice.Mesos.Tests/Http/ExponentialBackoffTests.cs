using Sluice.Mesos.Tests.Support;
using Sluice.Mesos.Http;

namespace Sluice.Mesos.Tests.Http;

public sealed class ExponentialBackoffTests
{
    private static ExponentialBackoff CreateSut(int seed = 7) =>
        new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), new Random(seed));

    [Fact]
    public void Next_DoublesTheCeilingEachAttempt_UntilTheMaximum()
    {
        var backoff = CreateSut();
        var ceilings = new List<double>();

        for (int i = 0; i < 8; i++)
        {
            ceilings.Add(backoff.NextCeiling().TotalMilliseconds);
            backoff.Next();
        }

        Assert.Equal([100, 200, 400, 800, 1600, 2000, 2000, 2000], ceilings);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Next_IsJitteredBetweenHalfAndAllOfTheCeiling(int seed)
    {
        var backoff = CreateSut(seed);
        var delays = new List<TimeSpan>();
        for (int i = 0; i < 50; i++)
        {
            var ceiling = backoff.NextCeiling();
            var delay = backoff.Next();
            Assert.InRange(delay, ceiling / 2, ceiling);
            delays.Add(delay);
        }

        // Jitter really varies the capped delays.
        Assert.True(delays.Skip(10).Distinct().Count() > 10);
    }

    [Fact]
    public void Reset_StartsOverFromTheInitialDelay()
    {
        var backoff = CreateSut();
        backoff.Next();
        backoff.Next();
        backoff.Next();

        backoff.Reset();

        Assert.Equal(0, backoff.Attempt);
        Assert.Equal(TimeSpan.FromMilliseconds(100), backoff.NextCeiling());
    }

    [Fact]
    public void Next_AfterManyAttempts_DoesNotOverflow()
    {
        var backoff = CreateSut();
        for (int i = 0; i < 1000; i++)
        {
            backoff.Next();
        }

        Assert.Equal(TimeSpan.FromSeconds(2), backoff.NextCeiling());
    }

    [Fact]
    public async Task DelayAsync_WaitsOnTheGivenClock()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var backoff = CreateSut();

        var delay = backoff.DelayAsync(time, CancellationToken.None);
        Assert.False(delay.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(49));
        Assert.False(delay.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(51));

        await Bounded.WithinAsync(delay, "the fake-clock delay");
    }
}
