using Sluice.Scheduler.Planning;

namespace Sluice.Scheduler.Handover;

/// <summary>
/// The persisted ownership the handover writes through (DESIGN.md §4–5). Every write is checked
/// against the epoch read, so two leaders, or two handovers, can never both move a partition.
/// Writes take a batch, so moving many partitions at once costs a few writes, not one per partition and step.
/// </summary>
public interface IOwnershipLedger
{
    Task<OwnershipEntry?> GetAsync(PartitionKey partition, CancellationToken cancellationToken);

    /// <summary>Step 1: marks the partitions releasing under their current epochs; all or none.</summary>
    Task MarkReleasingAsync(IReadOnlyList<(PartitionKey Partition, long Epoch)> partitions, CancellationToken cancellationToken);

    /// <summary>Step 3: new owners, next epochs, and the offsets they start at, in one write; all or none.</summary>
    /// <returns>The entries written (epoch = from epoch + 1), in the order given.</returns>
    Task<IReadOnlyList<OwnershipEntry>> TransferAsync(IReadOnlyList<OwnershipTransfer> transfers, CancellationToken cancellationToken);

    /// <summary>Step 1 for one partition.</summary>
    Task MarkReleasingAsync(PartitionKey partition, long epoch, CancellationToken cancellationToken) =>
        MarkReleasingAsync([(partition, epoch)], cancellationToken);

    /// <summary>Step 3 for one partition.</summary>
    async Task<OwnershipEntry> TransferAsync(PartitionKey partition, long fromEpoch, string newOwner, long startOffset, CancellationToken cancellationToken) =>
        (await TransferAsync([new OwnershipTransfer(partition, fromEpoch, newOwner, startOffset)], cancellationToken))[0];
}

/// <summary>One partition's change of owner: from the entry at <paramref name="FromEpoch"/> (0 = no entry yet) to <paramref name="NewOwner"/>.</summary>
public sealed record OwnershipTransfer(PartitionKey Partition, long FromEpoch, string NewOwner, long StartOffset);
