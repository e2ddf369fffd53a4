using Sluice.Scheduler.Planning;

namespace Sluice.Scheduler.Handover;

/// <summary>
/// The persisted ownership the handover writes through (DESIGN.md §4–5). Every write is checked
/// against the epoch read, so two leaders, or two handovers, can never both move a partition.
/// </summary>
public interface IOwnershipLedger
{
    Task<OwnershipEntry?> GetAsync(PartitionKey partition, CancellationToken cancellationToken);

    /// <summary>Step 1: marks the partition releasing under its current epoch.</summary>
    Task MarkReleasingAsync(PartitionKey partition, long epoch, CancellationToken cancellationToken);

    /// <summary>Step 3: the new owner, the next epoch, and the offset it starts at, in one write.</summary>
    /// <returns>The entry written (epoch = <paramref name="fromEpoch"/> + 1).</returns>
    Task<OwnershipEntry> TransferAsync(PartitionKey partition, long fromEpoch, string newOwner, long startOffset, CancellationToken cancellationToken);
}
