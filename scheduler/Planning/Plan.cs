namespace Sluice.Scheduler.Planning;

/// <summary>The planner's answer: the target owner of every partition, and the moves that reach it.</summary>
public sealed class Plan
{
    internal Plan(Dictionary<PartitionKey, string> target, List<PartitionMove> moves, List<PartitionKey> unassigned)
    {
        Target = target;
        Moves = moves;
        Unassigned = unassigned;
    }

    /// <summary>Partition → task id, for every partition that has a place.</summary>
    public IReadOnlyDictionary<PartitionKey, string> Target { get; }

    /// <summary>Ownership changes, ordered by partition.</summary>
    public IReadOnlyList<PartitionMove> Moves { get; }

    /// <summary>Partitions no task can take (every task is at capacity, or there are no tasks).</summary>
    public IReadOnlyList<PartitionKey> Unassigned { get; }
}
