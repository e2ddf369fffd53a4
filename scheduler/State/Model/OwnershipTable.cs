namespace Sluice.Scheduler.State.Model;

/// <summary>
/// Every partition's ownership for one consumer (node <c>consumers/&lt;name&gt;/ownership</c>). Written as one
/// record, so a handover step that changes several partitions is one atomic, fenced write.
/// </summary>
internal sealed record OwnershipTable(IReadOnlyList<PartitionOwnership> Partitions)
{
    public static OwnershipTable Empty { get; } = new([]);
}
