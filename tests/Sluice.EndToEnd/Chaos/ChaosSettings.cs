namespace Sluice.EndToEnd.Chaos;

/// <summary>The load every fault scenario runs under; the test suite uses <see cref="Test"/>, <c>./bench.sh chaos</c> <see cref="Bench"/>.</summary>
internal sealed record ChaosSettings
{
    public int Partitions { get; init; } = 24;

    public int Instances { get; init; } = 3;

    public int RecordsPerSecond { get; init; } = 400;

    /// <summary>How long the world runs under load before and after the fault.</summary>
    public TimeSpan Steady { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long an outage lasts (broker down, control plane cut past the lease, master away).</summary>
    public TimeSpan Outage { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The bound on every wait for the world to recover.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(120);

    public static ChaosSettings Test { get; } = new();

    public static ChaosSettings Bench(bool quick) => quick
        ? new ChaosSettings()
        : new ChaosSettings { RecordsPerSecond = 1_000, Steady = TimeSpan.FromSeconds(10) };
}
