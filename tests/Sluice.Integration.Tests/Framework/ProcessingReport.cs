using Sluice.Executor.Handlers;

namespace Sluice.Integration.Tests.Framework;

/// <summary>What the recording handler's output says about a run: lost and duplicated records, and the per-partition gaps at owner changes.</summary>
internal sealed record ProcessingReport(
    int Produced,
    int Processed,
    int Lost,
    IReadOnlyList<ProcessedRecord> Duplicates,
    IReadOnlyList<long> OwnerChangeGapsMs)
{
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
        foreach (var partition in processed.GroupBy(r => r.Partition))
        {
            // First processing of each offset, in offset order: where the task changes, the partition moved.
            var ordered = partition.GroupBy(r => r.Offset).Select(g => g.MinBy(r => r.ProcessedAtUnixMs)).OrderBy(r => r.Offset).ToArray();
            for (var i = 1; i < ordered.Length; i++)
            {
                if (ordered[i].TaskId != ordered[i - 1].TaskId)
                {
                    gaps.Add(Math.Max(0, ordered[i].ProcessedAtUnixMs - ordered[i - 1].ProcessedAtUnixMs));
                }
            }
        }
        gaps.Sort();
        return new ProcessingReport(produced.Count, processed.Count, lost, duplicates, gaps);
    }

    public string Gaps => OwnerChangeGapsMs.Count == 0
        ? "no owner changes"
        : $"{OwnerChangeGapsMs.Count} owner changes: gap p50 {Percentile(0.50)} ms, p99 {Percentile(0.99)} ms, max {OwnerChangeGapsMs[^1]} ms";

    public long Percentile(double q) => OwnerChangeGapsMs.Count == 0 ? 0 : OwnerChangeGapsMs[Math.Min(OwnerChangeGapsMs.Count - 1, (int)(OwnerChangeGapsMs.Count * q))];

    public override string ToString() =>
        $"produced {Produced}, processed {Processed}, lost {Lost}, duplicated {Duplicates.Count}; {Gaps}";
}
