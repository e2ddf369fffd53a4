using Sluice.Bench.Harness;

namespace Sluice.Bench.Cutover;

/// <summary>A time a partition had a record waiting and processed nothing.</summary>
internal readonly record struct PartitionGap(int Partition, TimeSpan Start, TimeSpan End)
{
    public TimeSpan Duration => End - Start;
}

/// <summary>
/// The pure part of the benchmark: from the produced and processed logs and the run's windows,
/// the gaps, pauses, duplicates and losses every contender is judged by.
/// </summary>
internal static class CutoverAnalysis
{
    /// <summary>How many times the steady window's 99th-percentile gap a gap must last to count as a pause.</summary>
    public const double PauseFactor = 3;

    /// <summary>
    /// Every gap of every partition: for each processed record after a partition's first, the time
    /// from the later of (the previous processed record of that partition, the moment the next
    /// unprocessed offset was acknowledged) to this record. A partition whose next offset was never
    /// produced (it had caught up) has no gap, however long it waits; a partition that still had
    /// records waiting when the logs end has an open gap up to <paramref name="end"/>, and one that
    /// processed nothing has one from its first record's acknowledgement.
    /// </summary>
    public static IReadOnlyList<PartitionGap> Gaps(IReadOnlyList<ProducedRecord> produced, IReadOnlyList<ProcessedRecord> processed, int partitions, TimeSpan end)
    {
        var available = new Dictionary<long, TimeSpan>[partitions];
        for (var p = 0; p < partitions; p++)
        {
            available[p] = [];
        }
        foreach (var record in produced)
        {
            available[record.Partition][record.Offset] = record.AvailableAt;
        }

        var gaps = new List<PartitionGap>();
        foreach (var partition in processed.GroupBy(r => r.Partition).Where(g => g.Key < partitions))
        {
            var offsets = available[partition.Key];
            var ordered = partition.OrderBy(r => r.At).ToArray();
            var previousAt = ordered[0].At;
            var highest = ordered[0].Offset;
            foreach (var record in ordered.Skip(1))
            {
                if (offsets.TryGetValue(highest + 1, out var nextAvailable))
                {
                    var start = Max(previousAt, nextAvailable);
                    if (record.At > start)
                    {
                        gaps.Add(new PartitionGap(partition.Key, start, record.At));
                    }
                }
                highest = Math.Max(highest, record.Offset);
                previousAt = record.At;
            }
            if (offsets.TryGetValue(highest + 1, out var waiting) && end > Max(previousAt, waiting))
            {
                gaps.Add(new PartitionGap(partition.Key, Max(previousAt, waiting), end));
            }
        }

        var processedPartitions = processed.Select(r => r.Partition).ToHashSet();
        for (var p = 0; p < partitions; p++)
        {
            if (!processedPartitions.Contains(p) && available[p].Count > 0)
            {
                var first = available[p].Values.Min();
                if (end > first)
                {
                    gaps.Add(new PartitionGap(p, first, end));
                }
            }
        }
        return gaps;
    }

    /// <summary>
    /// The gap length above which a partition counts as paused: <see cref="PauseFactor"/> × the
    /// 99th-percentile steady gap, and never less than <see cref="PauseFactor"/> × the mean produce
    /// interval of a partition. (Three times the produce interval alone would call the mock's
    /// normal fetch cadence, ~35 ms at fetch.wait.max.ms 25, a pause.)
    /// </summary>
    public static TimeSpan PauseThreshold(IReadOnlyList<PartitionGap> steadyGaps, TimeSpan produceInterval)
    {
        var floor = produceInterval * PauseFactor;
        if (steadyGaps.Count == 0)
        {
            return floor;
        }
        var p99 = Stats.Percentile(steadyGaps.Select(g => g.Duration.TotalMilliseconds).ToArray(), 99);
        return Max(floor, TimeSpan.FromMilliseconds(p99 * PauseFactor));
    }

    /// <summary>Everything the benchmark reports about one run.</summary>
    public static CutoverReport Analyze(
        IReadOnlyList<ProducedRecord> produced,
        IReadOnlyList<ProcessedRecord> processed,
        int partitions,
        CutoverRun run,
        TimeSpan produceInterval)
    {
        var end = Max(
            processed.Count == 0 ? TimeSpan.Zero : processed.Max(r => r.At),
            produced.Count == 0 ? TimeSpan.Zero : produced.Max(r => r.AvailableAt));
        end = Max(end, run.DeployFinished);
        var gaps = Gaps(produced, processed, partitions, end);

        var steady = gaps.Where(g => g.Start >= run.SteadyFrom && g.End <= run.DeployStarted).ToArray();
        var threshold = PauseThreshold(steady, produceInterval);
        var deploy = gaps.Where(g => g.End > run.DeployStarted && g.Start < run.DeployFinished).ToArray();
        var paused = deploy.Where(g => g.Duration > threshold).OrderBy(g => g.Start).ToArray();

        var maxGapPerPartition = new double[partitions];
        foreach (var gap in deploy)
        {
            maxGapPerPartition[gap.Partition] = Math.Max(maxGapPerPartition[gap.Partition], gap.Duration.TotalMilliseconds);
        }

        var counts = Count(produced, processed);
        return new CutoverReport(
            MaxGapMs: maxGapPerPartition.Max(),
            MedianPartitionMaxGapMs: Stats.Median(maxGapPerPartition),
            MaxGapPerPartitionMs: maxGapPerPartition,
            PauseThresholdMs: threshold.TotalMilliseconds,
            PausedPartitionSeconds: paused.Sum(g => g.Duration.TotalSeconds),
            PausedGaps: paused,
            PausedPartitions: paused.Select(g => g.Partition).Distinct().Count(),
            SteadyMaxGapMs: steady.Length == 0 ? 0 : steady.Max(g => g.Duration.TotalMilliseconds),
            SteadyP99GapMs: steady.Length == 0 ? 0 : Stats.Percentile(steady.Select(g => g.Duration.TotalMilliseconds).ToArray(), 99),
            Produced: produced.Count,
            ProducedPerSecond: produced.Count < 2 ? 0 : produced.Count / (produced.Max(r => r.AvailableAt) - produced.Min(r => r.AvailableAt)).TotalSeconds,
            Processed: processed.Count,
            Duplicates: counts.Duplicates,
            DuplicatedRecords: counts.DuplicatedRecords,
            Lost: counts.Lost,
            Unprocessed: counts.Unprocessed,
            Unexpected: counts.Unexpected,
            DeployWall: run.DeployFinished - run.DeployStarted);
    }

    /// <summary>
    /// Duplicates = processings beyond the first of a (partition, offset); duplicated records = how
    /// many (partition, offset) were processed more than once; lost = produced, never processed,
    /// below an offset of its partition that was processed (a hole: someone skipped it);
    /// unprocessed = produced, never processed, above every processed offset of its partition (a
    /// backlog the run ended before reaching); unexpected = processed, never acknowledged to the producer.
    /// </summary>
    public static RecordCounts Count(IReadOnlyList<ProducedRecord> produced, IReadOnlyList<ProcessedRecord> processed)
    {
        var times = new Dictionary<(int Partition, long Offset), int>(processed.Count);
        var highest = new Dictionary<int, long>();
        foreach (var record in processed)
        {
            var key = (record.Partition, record.Offset);
            times[key] = times.GetValueOrDefault(key) + 1;
            highest[record.Partition] = Math.Max(highest.GetValueOrDefault(record.Partition, -1), record.Offset);
        }
        var producedKeys = produced.Select(r => (r.Partition, r.Offset)).ToHashSet();
        var missing = producedKeys.Where(key => !times.ContainsKey(key)).ToArray();
        var lost = missing.LongCount(key => key.Offset < highest.GetValueOrDefault(key.Partition, -1));
        return new RecordCounts(
            Duplicates: times.Values.Sum(n => (long)n - 1),
            DuplicatedRecords: times.Values.LongCount(n => n > 1),
            Lost: lost,
            Unprocessed: missing.Length - lost,
            Unexpected: times.Keys.LongCount(key => !producedKeys.Contains(key)));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>Record counts of a run; see <see cref="CutoverAnalysis.Count"/>.</summary>
internal readonly record struct RecordCounts(long Duplicates, long DuplicatedRecords, long Lost, long Unprocessed, long Unexpected);

/// <summary>What the analysis found in one run; times in milliseconds unless named otherwise.</summary>
/// <param name="MaxGapMs">Longest gap of any partition that overlaps the deploy window.</param>
/// <param name="MedianPartitionMaxGapMs">Median over partitions of each one's longest gap in the deploy window.</param>
/// <param name="MaxGapPerPartitionMs">Each partition's longest gap in the deploy window (0: none).</param>
/// <param name="PauseThresholdMs">Gaps longer than this count as pauses (<see cref="CutoverAnalysis.PauseThreshold"/>).</param>
/// <param name="PausedPartitionSeconds">Sum of the pauses' lengths, over all partitions.</param>
/// <param name="PausedGaps">The pauses, by start.</param>
/// <param name="PausedPartitions">Partitions with at least one pause.</param>
/// <param name="SteadyMaxGapMs">Longest gap in the steady window before the deploy.</param>
/// <param name="SteadyP99GapMs">99th percentile gap in the steady window.</param>
/// <param name="Produced">Records acknowledged to the producer.</param>
/// <param name="ProducedPerSecond">Acknowledged records a second, first to last acknowledgement: the produce rate reached.</param>
/// <param name="Processed">Records processed, duplicates included.</param>
/// <param name="Duplicates">Processings beyond the first of a record.</param>
/// <param name="DuplicatedRecords">Records processed more than once.</param>
/// <param name="Lost">Records acknowledged and never processed, below a processed offset of their partition (skipped).</param>
/// <param name="Unprocessed">Records acknowledged and never processed, above every processed offset of their partition (not reached before the run ended).</param>
/// <param name="Unexpected">Records processed that the producer never saw acknowledged.</param>
/// <param name="DeployWall">From the deploy's first step until every partition resumed after it.</param>
internal sealed record CutoverReport(
    double MaxGapMs,
    double MedianPartitionMaxGapMs,
    IReadOnlyList<double> MaxGapPerPartitionMs,
    double PauseThresholdMs,
    double PausedPartitionSeconds,
    IReadOnlyList<PartitionGap> PausedGaps,
    int PausedPartitions,
    double SteadyMaxGapMs,
    double SteadyP99GapMs,
    long Produced,
    double ProducedPerSecond,
    long Processed,
    long Duplicates,
    long DuplicatedRecords,
    long Lost,
    long Unprocessed,
    long Unexpected,
    TimeSpan DeployWall);
