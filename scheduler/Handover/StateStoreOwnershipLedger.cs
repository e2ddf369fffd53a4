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

    public Task MarkReleasingAsync(PartitionKey partition, long epoch, CancellationToken cancellationToken) =>
        WriteAsync(partition, cancellationToken, current =>
        {
            var entry = Expect(partition, current, epoch);
            return entry with { State = OwnershipState.Releasing };
        });

    public async Task<OwnershipEntry> TransferAsync(PartitionKey partition, long fromEpoch, string newOwner, long startOffset, CancellationToken cancellationToken)
    {
        var written = await WriteAsync(partition, cancellationToken, current =>
        {
            if (current is not null)
            {
                Expect(partition, current, fromEpoch);
            }
            else if (fromEpoch != 0)
            {
                throw new OwnershipConflictException($"{partition} has no owner, but the handover expected epoch {fromEpoch}.");
            }
            return new PartitionOwnership(partition.Topic, partition.Partition, newOwner, fromEpoch + 1, OwnershipState.Owned, startOffset);
        });
        return ToEntry(written);
    }

    private async Task<PartitionOwnership> WriteAsync(PartitionKey partition, CancellationToken cancellationToken, Func<PartitionOwnership?, PartitionOwnership> change)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var entries = await LoadAsync(cancellationToken);
            var updated = change(entries.GetValueOrDefault(partition));
            var next = new Dictionary<PartitionKey, PartitionOwnership>(entries) { [partition] = updated };
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
