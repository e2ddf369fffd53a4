using Sluice.Bench.Cutover;

namespace Sluice.Bench.Tests.Cutover;

/// <summary>Short builders for the logs the analysis reads; times in milliseconds.</summary>
internal static class Records
{
    public static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    public static ProducedRecord Produced(int partition, long offset, double atMs) => new(partition, offset, Ms(atMs));

    public static ProcessedRecord Processed(int partition, long offset, double atMs, string consumer = "v1-0") =>
        new(partition, offset, consumer, consumer[..2], Ms(atMs));

    /// <summary>Offsets 0..count-1 of a partition, all acknowledged at time 0 (a backlog that never runs dry).</summary>
    public static IEnumerable<ProducedRecord> Backlog(int partition, int count) =>
        Enumerable.Range(0, count).Select(o => Produced(partition, o, 0));

    /// <summary>Processes the next offsets of a partition at the given times, starting at <paramref name="firstOffset"/>.</summary>
    public static IEnumerable<ProcessedRecord> ProcessedAt(int partition, long firstOffset, IEnumerable<double> timesMs, string consumer = "v1-0") =>
        timesMs.Select((t, i) => Processed(partition, firstOffset + i, t, consumer));

    /// <summary><paramref name="fromMs"/>, fromMs + step, ... below <paramref name="toMs"/>.</summary>
    public static IEnumerable<double> Every(double stepMs, double fromMs, double toMs)
    {
        for (var t = fromMs; t < toMs; t += stepMs)
        {
            yield return t;
        }
    }
}
