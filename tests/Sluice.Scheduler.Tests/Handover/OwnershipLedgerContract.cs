using Sluice.Scheduler.Handover;
using Sluice.Scheduler.Planning;
using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Tests.Handover;

/// <summary>What every ownership ledger guarantees; run against the in-memory one and the state-store one.</summary>
public abstract class OwnershipLedgerContract
{
    private static readonly PartitionKey P = new("orders", 3);

    internal abstract Task<IOwnershipLedger> CreateAsync();

    [Fact]
    public async Task Transfer_of_a_new_partition_starts_at_epoch_one()
    {
        var ledger = await CreateAsync();

        var entry = await ledger.TransferAsync(P, 0, "task-a", 42, CancellationToken.None);

        Assert.Equal(new OwnershipEntry(P, "task-a", 1, OwnershipPhase.Owned, 42), entry);
        Assert.Equal(entry, await ledger.GetAsync(P, CancellationToken.None));
    }

    [Fact]
    public async Task Release_then_transfer_raises_the_epoch_and_records_the_start_offset()
    {
        var ledger = await CreateAsync();
        await ledger.TransferAsync(P, 0, "task-a", 0, CancellationToken.None);

        await ledger.MarkReleasingAsync(P, 1, CancellationToken.None);
        Assert.Equal(OwnershipPhase.Releasing, (await ledger.GetAsync(P, CancellationToken.None))!.Phase);
        var moved = await ledger.TransferAsync(P, 1, "task-b", 977, CancellationToken.None);

        Assert.Equal(new OwnershipEntry(P, "task-b", 2, OwnershipPhase.Owned, 977), moved);
    }

    [Fact]
    public async Task A_write_with_a_stale_epoch_is_a_conflict_and_changes_nothing()
    {
        var ledger = await CreateAsync();
        await ledger.TransferAsync(P, 0, "task-a", 0, CancellationToken.None);
        await ledger.TransferAsync(P, 1, "task-b", 10, CancellationToken.None);

        await Assert.ThrowsAsync<OwnershipConflictException>(() => ledger.MarkReleasingAsync(P, 1, CancellationToken.None));
        await Assert.ThrowsAsync<OwnershipConflictException>(() => ledger.TransferAsync(P, 1, "task-c", 20, CancellationToken.None));
        Assert.Equal(new OwnershipEntry(P, "task-b", 2, OwnershipPhase.Owned, 10), await ledger.GetAsync(P, CancellationToken.None));
    }

    [Fact]
    public async Task Releasing_a_partition_nobody_owns_is_a_conflict()
    {
        var ledger = await CreateAsync();

        await Assert.ThrowsAsync<OwnershipConflictException>(() => ledger.MarkReleasingAsync(P, 0, CancellationToken.None));
        await Assert.ThrowsAsync<OwnershipConflictException>(() => ledger.TransferAsync(P, 5, "task-a", 0, CancellationToken.None));
    }
}

public sealed class MemoryOwnershipLedgerTests : OwnershipLedgerContract
{
    internal override Task<IOwnershipLedger> CreateAsync() => Task.FromResult<IOwnershipLedger>(new MemoryOwnershipLedger());
}

public sealed class StateStoreOwnershipLedgerTests : OwnershipLedgerContract
{
    private readonly MemoryStateStore _store = new();

    internal override async Task<IOwnershipLedger> CreateAsync()
    {
        await _store.PutConsumerAsync(Sluice.Scheduler.Tests.State.StateSamples.Consumer("orders"), StateVersion.New);
        return new StateStoreOwnershipLedger(_store, "orders");
    }

    [Fact]
    public async Task Moves_are_persisted_for_the_next_leader()
    {
        var ledger = await CreateAsync();
        await ledger.TransferAsync(new PartitionKey("orders", 0), 0, "task-a", 5, CancellationToken.None);

        var successor = new StateStoreOwnershipLedger(_store, "orders");

        Assert.Equal("task-a", (await successor.GetAsync(new PartitionKey("orders", 0), CancellationToken.None))!.Owner);
    }

    [Fact]
    public async Task A_write_by_someone_else_makes_the_next_move_a_conflict()
    {
        var ledger = await CreateAsync();
        var p = new PartitionKey("orders", 0);
        await ledger.TransferAsync(p, 0, "task-a", 5, CancellationToken.None);
        var stored = await _store.GetOwnershipAsync("orders");
        await _store.PutOwnershipAsync("orders", stored!.Value, stored.Version); // a deposed leader's write

        await Assert.ThrowsAsync<OwnershipConflictException>(() => ledger.MarkReleasingAsync(p, 1, CancellationToken.None));
        // Having read again, the ledger carries on from what is stored.
        await ledger.MarkReleasingAsync(p, 1, CancellationToken.None);
    }
}
