using Sluice.Local.Kafka;

namespace Sluice.Bench.Cutover;

/// <summary>The shape of a cutover run, the same for every contender.</summary>
/// <param name="Partitions">Partitions of the topic.</param>
/// <param name="Consumers">Consumers of each version (old ones replaced by as many new ones).</param>
/// <param name="RatePerSecond">Steady produce rate over all partitions, for the whole run.</param>
/// <param name="ValueBytes">Size of each record's value.</param>
/// <param name="FetchWaitMaxMs">Consumers' <c>fetch.wait.max.ms</c> (the mock answers an empty Fetch only after it).</param>
/// <param name="SteadyWindow">How long every partition flows before the deploy: the reference for normal gaps.</param>
/// <param name="StepTimeout">Longest a single wait of a run may take before the run fails.</param>
/// <param name="DrainTimeout">Longest the drain after the deploy may take; what is missing then counts as lost.</param>
internal sealed record CutoverSettings(
    int Partitions,
    int Consumers,
    double RatePerSecond,
    int ValueBytes,
    int FetchWaitMaxMs,
    TimeSpan SteadyWindow,
    TimeSpan StepTimeout,
    TimeSpan DrainTimeout)
{
    public static CutoverSettings For(bool quick) => new(
        Partitions: 24,
        Consumers: 3,
        RatePerSecond: 4_800,
        ValueBytes: 100,
        FetchWaitMaxMs: EmbeddedKafka.RecommendedFetchWaitMaxMs,
        SteadyWindow: TimeSpan.FromSeconds(quick ? 3 : 10),
        StepTimeout: TimeSpan.FromSeconds(60),
        DrainTimeout: TimeSpan.FromSeconds(30));

    /// <summary>Mean time between two produced records of one partition.</summary>
    public TimeSpan ProduceInterval => TimeSpan.FromSeconds(Partitions / RatePerSecond);
}
