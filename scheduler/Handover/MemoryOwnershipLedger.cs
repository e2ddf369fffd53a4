using Sluice.Scheduler.Planning;

namespace Sluice.Scheduler.Handover;

/// <summary>An in-process ledger with the same epoch checks as the persisted one (tests, a single scheduler).</summary>
public sealed class MemoryOwnershipLedger : IOwnershipLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<PartitionKey, OwnershipEntry> _entries = [];

    public IReadOnlyList<OwnershipEntry> Snapshot()
    {
        lock (_gate)
        {
            return _entries.Values.OrderBy(e => e.Partition).ToList();
        }
    }

    public Task<OwnershipEntry?> GetAsync(PartitionKey partition, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_entries.GetValueOrDefault(partition));
        }
    }

    public Task MarkReleasingAsync(PartitionKey partition, long epoch, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var entry = Expect(partition, epoch);
            _entries[partition] = entry with { Phase = OwnershipPhase.Releasing };
        }
        return Task.CompletedTask;
    }

    public Task<OwnershipEntry> TransferAsync(PartitionKey partition, long fromEpoch, string newOwner, long startOffset, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_entries.ContainsKey(partition))
            {
                Expect(partition, fromEpoch);
            }
            else if (fromEpoch != 0)
            {
                throw new OwnershipConflictException($"{partition} has no owner, but the handover expected epoch {fromEpoch}.");
            }
            var entry = new OwnershipEntry(partition, newOwner, fromEpoch + 1, OwnershipPhase.Owned, startOffset);
            _entries[partition] = entry;
            return Task.FromResult(entry);
        }
    }

    private OwnershipEntry Expect(PartitionKey partition, long epoch)
    {
        var entry = _entries.GetValueOrDefault(partition)
            ?? throw new OwnershipConflictException($"{partition} has no ownership entry.");
        return entry.Epoch == epoch
            ? entry
            : throw new OwnershipConflictException($"{partition} is at epoch {entry.Epoch}, not {epoch}: someone else moved it.");
    }
}
