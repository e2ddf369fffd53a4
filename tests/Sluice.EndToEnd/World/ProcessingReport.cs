using Sluice.Executor.Handlers;

namespace Sluice.EndToEnd.World;

/// <summary>
/// What the recording handler's output says about a run: lost and duplicated records, the per-partition gaps at
/// owner changes, the longest gap between two consecutive records of one partition whoever processed them, and
/// overlaps (in offset order, a task's run of a partition starting before the previous task's run ended: two owners
/// at once) and interleavings (a partition going back to a task that processed it under 2 s before: worth a look).
/// </summary>
internal sealed record ProcessingReport(
    int Produced,
    int Processed,
    int Lost,
    IReadOnlyList<ProcessedRecord> Duplicates,
    IReadOnlyList<long> OwnerChangeGapsMs,
    long MaxGapMs,
    IReadOnlyList<string> Overlaps,
    IReadOnlyList<string> Interleavings)
{
    private const long InterleavingWindowMs = 2_000;

    public static ProcessingReport Of(IReadOnlyCollection<(int Partition, long Offset)> produced, IReadOnlyList<ProcessedRecord> processed)
    {
        var seen = new HashSet<(int, long)>();
        var duplicates = new List<ProcessedRecord>();
        foreach (var record in processed.OrderBy(r => r.ProcessedAtUnixMs))
        {
            if (!seen.Add((record.Partition, record.Offset)))
            {
                duplicates.Add(record);
            }
        }
        var lost = produced.Count(p => !seen.Contains(p));
        var gaps = new List<long>();
        long maxGap = 0;
        var overlaps = new List<string>();
        var interleavings = new List<string>();
        foreach (var partition in processed.GroupBy(r => r.Partition))
        {
            // First processing of each offset, in offset order: where the task changes, the partition moved.
            var ordered = partition.GroupBy(r => r.Offset).Select(g => g.MinBy(r => r.ProcessedAtUnixMs)).OrderBy(r => r.Offset).ToArray();
            for (var i = 1; i < ordered.Length; i++)
            {
                var gap = Math.Max(0, ordered[i].ProcessedAtUnixMs - ordered[i - 1].ProcessedAtUnixMs);
                maxGap = Math.Max(maxGap, gap);
                if (ordered[i].TaskId != ordered[i - 1].TaskId)
                {
                    gaps.Add(gap);
                }
            }
            overlaps.AddRange(OverlapsOf(partition.Key, ordered));
            interleavings.AddRange(InterleavingsOf(partition.Key, partition));
        }
        gaps.Sort();
        return new ProcessingReport(produced.Count, processed.Count, lost, duplicates, gaps, maxGap, overlaps, interleavings);
    }

    /// <summary>
    /// <paramref name="firsts"/>: the first processing of each offset, in offset order. Cut into runs by task, each
    /// run must end before the next one starts: a handover finishes the old owner before the new one begins.
    /// </summary>
    private static IEnumerable<string> OverlapsOf(int partition, ProcessedRecord[] firsts)
    {
        var runs = new List<(string Task, long First, long Last, long FromOffset)>();
        foreach (var record in firsts)
        {
            if (runs.Count > 0 && runs[^1].Task == record.TaskId)
            {
                runs[^1] = runs[^1] with { First = Math.Min(runs[^1].First, record.ProcessedAtUnixMs), Last = Math.Max(runs[^1].Last, record.ProcessedAtUnixMs) };
            }
            else
            {
                runs.Add((record.TaskId, record.ProcessedAtUnixMs, record.ProcessedAtUnixMs, record.Offset));
            }
        }
        for (var i = 1; i < runs.Count; i++)
        {
            if (runs[i - 1].Last > runs[i].First)
            {
                yield return $"partition {partition}: {runs[i - 1].Task} until {runs[i - 1].Last}, {runs[i].Task} from offset {runs[i].FromOffset} at {runs[i].First}";
            }
        }
    }

    /// <summary>
    /// In processing-time order, a partition's records form runs by task. A run of task A, then B, then A again
    /// with A's runs under 2 s apart is worth a look: two handovers that quick are rare, unless B died at once.
    /// </summary>
    private static IEnumerable<string> InterleavingsOf(int partition, IEnumerable<ProcessedRecord> records)
    {
        var runs = new List<(string Task, long First, long Last)>();
        foreach (var record in records.OrderBy(r => r.ProcessedAtUnixMs))
        {
            if (runs.Count > 0 && runs[^1].Task == record.TaskId)
            {
                runs[^1] = runs[^1] with { Last = record.ProcessedAtUnixMs };
            }
            else
            {
                runs.Add((record.TaskId, record.ProcessedAtUnixMs, record.ProcessedAtUnixMs));
            }
        }
        for (var i = 2; i < runs.Count; i++)
        {
            if (runs[i].Task == runs[i - 2].Task && runs[i].First - runs[i - 2].Last < InterleavingWindowMs)
            {
                yield return $"partition {partition}: {runs[i - 2].Task} → {runs[i - 1].Task} → {runs[i].Task} within {runs[i].First - runs[i - 2].Last} ms";
            }
        }
    }

    public string Gaps => OwnerChangeGapsMs.Count == 0
        ? "no owner changes"
        : $"{OwnerChangeGapsMs.Count} owner changes: gap p50 {Percentile(0.50)} ms, p99 {Percentile(0.99)} ms, max {OwnerChangeGapsMs[^1]} ms";

    public long Percentile(double q) => OwnerChangeGapsMs.Count == 0 ? 0 : OwnerChangeGapsMs[Math.Min(OwnerChangeGapsMs.Count - 1, (int)(OwnerChangeGapsMs.Count * q))];

    public override string ToString() =>
        $"produced {Produced}, processed {Processed}, lost {Lost}, duplicated {Duplicates.Count}, longest partition gap {MaxGapMs} ms, " +
        $"overlaps {Overlaps.Count}, interleavings {Interleavings.Count}; {Gaps}";
}
