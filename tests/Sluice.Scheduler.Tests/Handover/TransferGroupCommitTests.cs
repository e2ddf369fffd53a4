using Sluice.Scheduler.Handover;
using Sluice.Scheduler.Planning;
using Sluice.Testing;

namespace Sluice.Scheduler.Tests.Handover;

/// <summary>
/// The group commit of a batch's transfers (<see cref="TransferGroupCommit"/>): a transfer arriving while no write runs is
/// written at once; those arriving meanwhile share the next write; a failed write fails only what it carried.
/// </summary>
public sealed class TransferGroupCommitTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly GatedLedger _ledger = new();

    private TransferGroupCommit CreateSut(CancellationToken cancellationToken = default) => new(_ledger, cancellationToken);

    /// <summary>Partition <paramref name="partition"/> of "orders" moving to "green-<paramref name="partition"/>"; epochs and offsets differ per partition.</summary>
    private static OwnershipTransfer Transfer(int partition) =>
        new(new PartitionKey("orders", partition), FromEpoch: 10 + partition, $"green-{partition}", StartOffset: 1000 * partition + 7);

    private static OwnershipEntry Written(OwnershipTransfer t) => new(t.Partition, t.NewOwner, t.FromEpoch + 1, OwnershipPhase.Owned, t.StartOffset);

    [Fact]
    public async Task A_transfer_that_arrives_alone_is_written_at_once_in_a_write_of_its_own()
    {
        var sut = CreateSut();
        var transfer = Transfer(0);

        var entry = sut.TransferAsync(transfer);

        // The write has begun before the call returns: nothing is waited for.
        Assert.Equal(1, _ledger.WritesStarted);
        var write = await _ledger.NextWriteAsync();
        Assert.Equal([transfer], write.Transfers);
        write.Commit();
        Assert.Equal(Written(transfer), await Eventually.WithinAsync(entry, Patience, "the transfer ends with its write"));
        Assert.Equal(1, sut.Writes);
    }

    [Fact]
    public async Task Transfers_arriving_while_a_write_is_in_flight_share_the_next_write_and_each_gets_its_own_entry()
    {
        var sut = CreateSut();
        var first = sut.TransferAsync(Transfer(0));
        var inFlight = await _ledger.NextWriteAsync();

        var later = new[] { 3, 1, 2 }.Select(p => (Transfer: Transfer(p), Entry: sut.TransferAsync(Transfer(p)))).ToList();

        Assert.Equal(1, _ledger.WritesStarted); // they wait for the write in flight
        inFlight.Commit();
        Assert.Equal(Written(Transfer(0)), await Eventually.WithinAsync(first, Patience, "the first transfer ends with the first write"));
        var shared = await _ledger.NextWriteAsync();
        Assert.Equal(later.Select(l => l.Transfer), shared.Transfers); // all of them, in the order they came
        Assert.All(later, l => Assert.False(l.Entry.IsCompleted, $"{l.Transfer.Partition} ended before its write"));
        shared.Commit();
        foreach (var (transfer, entry) in later)
        {
            Assert.Equal(Written(transfer), await Eventually.WithinAsync(entry, Patience, $"the transfer of {transfer.Partition} ends with the shared write"));
        }
        Assert.Equal((2, 2), (sut.Writes, _ledger.WritesStarted));
    }

    [Fact]
    public async Task A_conflicting_write_fails_only_the_transfers_it_carried()
    {
        var sut = CreateSut();
        var first = sut.TransferAsync(Transfer(0));
        var firstWrite = await _ledger.NextWriteAsync();
        var second = sut.TransferAsync(Transfer(1));
        var third = sut.TransferAsync(Transfer(2));
        firstWrite.Commit();
        var conflicting = await _ledger.NextWriteAsync();
        var fourth = sut.TransferAsync(Transfer(3)); // arrives while the conflicting write runs

        var conflict = new OwnershipConflictException("orders[2] is at epoch 13, not 12: someone else moved it.");
        conflicting.Fail(conflict);

        Assert.Same(conflict, await Assert.ThrowsAsync<OwnershipConflictException>(() => second.WaitAsync(Patience)));
        Assert.Same(conflict, await Assert.ThrowsAsync<OwnershipConflictException>(() => third.WaitAsync(Patience)));
        var after = await _ledger.NextWriteAsync();
        Assert.Equal([Transfer(3)], after.Transfers);
        after.Commit();
        Assert.Equal(Written(Transfer(0)), await Eventually.WithinAsync(first, Patience, "the transfer before the conflict stands"));
        Assert.Equal(Written(Transfer(3)), await Eventually.WithinAsync(fourth, Patience, "the transfer after the conflict is written"));
        Assert.Equal(3, _ledger.WritesStarted);
    }

    [Fact]
    public async Task Cancellation_cancels_the_write_in_flight_and_the_transfers_waiting_for_the_next()
    {
        using var cancellation = new CancellationTokenSource();
        var sut = CreateSut(cancellation.Token);
        var inFlight = sut.TransferAsync(Transfer(0));
        await _ledger.NextWriteAsync();
        var waiting = new[] { sut.TransferAsync(Transfer(1)), sut.TransferAsync(Transfer(2)) };

        await cancellation.CancelAsync();

        foreach (var transfer in waiting.Prepend(inFlight))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => transfer.WaitAsync(Patience));
            Assert.True(transfer.IsCanceled);
        }
        Assert.Equal((1, 1), (sut.Writes, _ledger.WritesStarted)); // no write was made for the waiting ones
    }
}
