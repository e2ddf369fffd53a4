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

    public Task MarkReleasingAsync(IReadOnlyList<(PartitionKey Partition, long Epoch)> partitions, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var marked = partitions.Select(p => Expect(p.Partition, p.Epoch) with { Phase = OwnershipPhase.Releasing }).ToList();
            foreach (var entry in marked)
            {
                _entries[entry.Partition] = entry;
            }
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OwnershipEntry>> TransferAsync(IReadOnlyList<OwnershipTransfer> transfers, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var t in transfers)
            {
                if (_entries.ContainsKey(t.Partition))
                {
                    Expect(t.Partition, t.FromEpoch);
                }
                else if (t.FromEpoch != 0)
                {
                    throw new OwnershipConflictException($"{t.Partition} has no owner, but the handover expected epoch {t.FromEpoch}.");
                }
            }
            var written = transfers.Select(t => new OwnershipEntry(t.Partition, t.NewOwner, t.FromEpoch + 1, OwnershipPhase.Owned, t.StartOffset)).ToList();
            foreach (var entry in written)
            {
                _entries[entry.Partition] = entry;
            }
            return Task.FromResult<IReadOnlyList<OwnershipEntry>>(written);
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
