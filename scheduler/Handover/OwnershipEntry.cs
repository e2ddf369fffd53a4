using Sluice.Scheduler.Planning;

namespace Sluice.Scheduler.Handover;

/// <summary>Who owns a partition, under which epoch, and where a new owner starts (DESIGN.md §4).</summary>
/// <param name="StartOffset">Where the owner started (the authority for the next owner after an unclean loss); -1 = the group's committed offset.</param>
public sealed record OwnershipEntry(PartitionKey Partition, string? Owner, long Epoch, OwnershipPhase Phase, long StartOffset);

public enum OwnershipPhase
{
    Owned,
    Releasing,
    Free,
}
