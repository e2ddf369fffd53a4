using System.Diagnostics;

namespace Sluice.Scheduler.Planning;

/// <summary>
/// Decides which task owns which partition: a pure, deterministic function of its inputs.
/// </summary>
/// <remarks>
/// <para><b>Balanced</b>: tasks without a capacity limit end within one partition of each other
/// (max − min ≤ 1); a task with a limit gets at most its limit, and the others share the rest.</para>
/// <para><b>Sticky</b>: a partition stays with its current owner whenever that owner is live and
/// within its quota, and the one-extra quotas go to the tasks that already hold the most, so the
/// number of moves is the fewest that reaches balance.</para>
/// <para><b>Deterministic</b>: the same inputs in any order give the same plan.</para>
/// Cost: O(P log P + T log T) for P partitions and T tasks.
/// </remarks>
public static class Planner
{
    public static Plan Assign(
        IEnumerable<PartitionKey> partitions,
        IEnumerable<PlannerTask> tasks,
        IReadOnlyDictionary<PartitionKey, string> current)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(current);

        var sortedPartitions = SortedDistinct(partitions);
        var sortedTasks = tasks.DistinctBy(t => t.TaskId).ToArray();
        Array.Sort(sortedTasks, static (a, b) => string.CompareOrdinal(a.TaskId, b.TaskId));
        foreach (var task in sortedTasks)
        {
            if (task.Capacity is < 0)
            {
                throw new ArgumentException($"Task '{task.TaskId}' has a negative capacity ({task.Capacity}).", nameof(tasks));
            }
        }

        var index = new Dictionary<string, int>(sortedTasks.Length, StringComparer.Ordinal);
        for (var i = 0; i < sortedTasks.Length; i++)
        {
            index[sortedTasks[i].TaskId] = i;
        }

        // How many partitions each live task holds now (of the partitions that still exist).
        var held = new int[sortedTasks.Length];
        foreach (var partition in sortedPartitions)
        {
            if (current.TryGetValue(partition, out var owner) && index.TryGetValue(owner, out var t))
            {
                held[t]++;
            }
        }

        var quota = Quotas(sortedTasks, held, sortedPartitions.Length);

        // Keep: a partition stays where it is while its owner is under quota.
        var target = new Dictionary<PartitionKey, string>(sortedPartitions.Length);
        var kept = new int[sortedTasks.Length];
        var free = new List<PartitionKey>();
        foreach (var partition in sortedPartitions)
        {
            if (current.TryGetValue(partition, out var owner) && index.TryGetValue(owner, out var t) && kept[t] < quota[t])
            {
                kept[t]++;
                target[partition] = sortedTasks[t].TaskId;
            }
            else
            {
                free.Add(partition);
            }
        }

        // Fill: free partitions, in partition order, go to tasks under quota, in task order.
        var moves = new List<PartitionMove>(free.Count);
        var unassigned = new List<PartitionKey>();
        var next = 0;
        foreach (var partition in free)
        {
            while (next < sortedTasks.Length && kept[next] >= quota[next])
            {
                next++;
            }
            if (next == sortedTasks.Length)
            {
                unassigned.Add(partition);
                continue;
            }
            kept[next]++;
            var to = sortedTasks[next].TaskId;
            target[partition] = to;
            current.TryGetValue(partition, out var from);
            moves.Add(new PartitionMove(partition, from, to));
        }

        moves.Sort(static (a, b) => a.Partition.CompareTo(b.Partition));
        return new Plan(target, moves, unassigned);
    }

    private static PartitionKey[] SortedDistinct(IEnumerable<PartitionKey> partitions)
    {
        var all = partitions.ToArray();
        Array.Sort(all);
        var count = 0;
        for (var i = 0; i < all.Length; i++)
        {
            if (count == 0 || all[i].CompareTo(all[count - 1]) != 0)
            {
                all[count++] = all[i];
            }
        }
        return count == all.Length ? all : all[..count];
    }

    /// <summary>
    /// Water-filling: the largest level L with Σ min(cap, L) ≤ P; every task gets min(cap, L), and
    /// the remainder goes one each to uncapped-at-L tasks, those holding the most first.
    /// </summary>
    private static int[] Quotas(PlannerTask[] tasks, int[] held, int partitionCount)
    {
        var quota = new int[tasks.Length];
        if (tasks.Length == 0 || partitionCount == 0)
        {
            return quota;
        }

        static long Cap(PlannerTask t) => t.Capacity ?? long.MaxValue;
        long Fill(long level)
        {
            long sum = 0;
            foreach (var t in tasks)
            {
                sum += Math.Min(Cap(t), level);
            }
            return sum;
        }

        long lo = 0, hi = partitionCount;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (Fill(mid) <= partitionCount)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }
        var level = lo;
        long assigned = 0;
        var canTakeOneMore = new List<int>();
        for (var i = 0; i < tasks.Length; i++)
        {
            quota[i] = (int)Math.Min(Cap(tasks[i]), level);
            assigned += quota[i];
            if (Cap(tasks[i]) > level)
            {
                canTakeOneMore.Add(i);
            }
        }

        var remainder = partitionCount - assigned;
        Debug.Assert(remainder >= 0 && (remainder < canTakeOneMore.Count || canTakeOneMore.Count == 0 || Fill(level + 1) > partitionCount));
        canTakeOneMore.Sort((a, b) => held[a] != held[b] ? held[b].CompareTo(held[a]) : a.CompareTo(b));
        for (var k = 0; k < canTakeOneMore.Count && remainder > 0; k++, remainder--)
        {
            quota[canTakeOneMore[k]]++;
        }
        return quota;
    }
}
