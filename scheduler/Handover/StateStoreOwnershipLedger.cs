using Sluice.Scheduler.Planning;
using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Handover;

/// <summary>
/// The ownership ledger of one consumer, kept in the state store's ownership record (one
/// versioned document; in ZooKeeper every write is a fenced multi). Writes are serialized here
/// and each checks the version read, so a write by anyone else — a deposed leader, an operator —
/// makes the next move fail with <see cref="OwnershipConflictException"/> instead of overwriting it.
/// </summary>
internal sealed class StateStoreOwnershipLedger(IStateStore store, string consumer) : IOwnershipLedger
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Dictionary<PartitionKey, PartitionOwnership>? _entries;
    private long _version = StateVersion.New;

    public async Task<OwnershipEntry?> GetAsync(PartitionKey partition, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var entries = await LoadAsync(cancellationToken);
            return entries.TryGetValue(partition, out var entry) ? ToEntry(entry) : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Every partition's entry, as stored (read again after a conflict).</summary>
    public async Task<IReadOnlyList<OwnershipEntry>> ListAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var entries = await LoadAsync(cancellationToken);
            return entries.Values.Select(ToEntry).ToList();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets what was read, so the next call reads the store (after another scheduler may have written).</summary>
    public void Invalidate()
    {
        _gate.Wait();
        try
        {
            _entries = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task MarkReleasingAsync(IReadOnlyList<(PartitionKey Partition, long Epoch)> partitions, CancellationToken cancellationToken) =>
        WriteAsync(cancellationToken, current => partitions
            .Select(p => Expect(p.Partition, current.GetValueOrDefault(p.Partition), p.Epoch) with { State = OwnershipState.Releasing })
            .ToList());

    public async Task<IReadOnlyList<OwnershipEntry>> TransferAsync(IReadOnlyList<OwnershipTransfer> transfers, CancellationToken cancellationToken)
    {
        var written = await WriteAsync(cancellationToken, current => transfers.Select(t =>
        {
            if (current.GetValueOrDefault(t.Partition) is { } entry)
            {
                Expect(t.Partition, entry, t.FromEpoch);
            }
            else if (t.FromEpoch != 0)
            {
                throw new OwnershipConflictException($"{t.Partition} has no owner, but the handover expected epoch {t.FromEpoch}.");
            }
            return new PartitionOwnership(t.Partition.Topic, t.Partition.Partition, t.NewOwner, t.FromEpoch + 1, OwnershipState.Owned, t.StartOffset);
        }).ToList());
        return written.Select(ToEntry).ToList();
    }

    /// <summary>Applies <paramref name="change"/> to what is stored and writes the whole table once, checked against the version read.</summary>
    private async Task<IReadOnlyList<PartitionOwnership>> WriteAsync(CancellationToken cancellationToken,
        Func<IReadOnlyDictionary<PartitionKey, PartitionOwnership>, IReadOnlyList<PartitionOwnership>> change)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var entries = await LoadAsync(cancellationToken);
            var updated = change(entries);
            var next = new Dictionary<PartitionKey, PartitionOwnership>(entries);
            foreach (var entry in updated)
            {
                next[new PartitionKey(entry.Topic, entry.Partition)] = entry;
            }
            var table = new OwnershipTable(next.Values.OrderBy(e => e.Topic, StringComparer.Ordinal).ThenBy(e => e.Partition).ToList());
            try
            {
                var stored = await store.PutOwnershipAsync(consumer, table, _version, cancellationToken);
                _version = stored.Version;
                _entries = next;
                return updated;
            }
            catch (StateConflictException ex)
            {
                _entries = null; // someone else wrote: read again next time
                throw new OwnershipConflictException($"The ownership of consumer '{consumer}' changed under this scheduler: {ex.Message}");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Dictionary<PartitionKey, PartitionOwnership>> LoadAsync(CancellationToken cancellationToken)
    {
        if (_entries is not null)
        {
            return _entries;
        }
        var stored = await store.GetOwnershipAsync(consumer, cancellationToken);
        _version = stored?.Version ?? StateVersion.New;
        _entries = (stored?.Value.Partitions ?? []).ToDictionary(p => new PartitionKey(p.Topic, p.Partition));
        return _entries;
    }

    private static PartitionOwnership Expect(PartitionKey partition, PartitionOwnership? current, long epoch)
    {
        if (current is null)
        {
            throw new OwnershipConflictException($"{partition} has no ownership entry.");
        }
        return current.Epoch == epoch
            ? current
            : throw new OwnershipConflictException($"{partition} is at epoch {current.Epoch}, not {epoch}: someone else moved it.");
    }

    private static OwnershipEntry ToEntry(PartitionOwnership p) => new(
        new PartitionKey(p.Topic, p.Partition),
        p.OwnerTaskId,
        p.Epoch,
        p.State switch
        {
            OwnershipState.Owned => OwnershipPhase.Owned,
            OwnershipState.Releasing => OwnershipPhase.Releasing,
            _ => OwnershipPhase.Free,
        },
        p.StartOffset ?? -1);
}
