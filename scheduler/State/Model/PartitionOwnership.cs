namespace Sluice.Scheduler.State.Model;

/// <summary>
/// Who owns one partition (DESIGN.md §4, §5): the owning task, the ownership epoch (every command carries it; an
/// executor ignores lower epochs), the handover state, and the offset a new owner starts at.
/// </summary>
internal sealed record PartitionOwnership(
    string Topic,
    int Partition,
    string? OwnerTaskId,
    long Epoch,
    OwnershipState State,
    long? StartOffset);

internal enum OwnershipState
{
    Owned,
    Releasing,
    Free,
}
