using System.Threading.Channels;
using Sluice.Scheduler.Handover;
using Sluice.Scheduler.Planning;
using Sluice.Testing;

namespace Sluice.Scheduler.Tests.Handover;

/// <summary>
/// An ownership ledger whose transfer writes wait for the test: each write is handed to the test (<see cref="NextWriteAsync"/>)
/// and ends when the test commits or fails it, so the test decides which write is in flight when. A write asked for after
/// cancellation does not start; one in flight ends cancelled when its token is, as a real ledger's would.
/// </summary>
internal sealed class GatedLedger : IOwnershipLedger
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly Channel<Write> _writes = Channel.CreateUnbounded<Write>();
    private int _started;

    /// <summary>Transfer writes started so far (committed, failed or still in flight).</summary>
    public int WritesStarted => Volatile.Read(ref _started);

    /// <summary>The next transfer write the ledger was asked for, in the order asked (a bounded wait).</summary>
    public Task<Write> NextWriteAsync() =>
        Eventually.WithinAsync(_writes.Reader.ReadAsync().AsTask(), Patience, "the ledger is asked for the next transfer write");

    public Task<IReadOnlyList<OwnershipEntry>> TransferAsync(IReadOnlyList<OwnershipTransfer> transfers, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<OwnershipEntry>>(cancellationToken);
        }
        Interlocked.Increment(ref _started);
        var write = new Write([.. transfers]);
        _writes.Writer.TryWrite(write);
        return write.Done.WaitAsync(cancellationToken);
    }

    public Task<OwnershipEntry?> GetAsync(PartitionKey partition, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Only transfers go through this ledger.");

    public Task MarkReleasingAsync(IReadOnlyList<(PartitionKey Partition, long Epoch)> partitions, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Only transfers go through this ledger.");

    /// <summary>One transfer write in flight.</summary>
    public sealed class Write(IReadOnlyList<OwnershipTransfer> transfers)
    {
        private readonly TaskCompletionSource<IReadOnlyList<OwnershipEntry>> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>What the write carries, in the order given.</summary>
        public IReadOnlyList<OwnershipTransfer> Transfers { get; } = transfers;

        internal Task<IReadOnlyList<OwnershipEntry>> Done => _done.Task;

        /// <summary>Ends the write as a ledger does: every partition owned by its new owner at the next epoch.</summary>
        public void Commit() => _done.SetResult(
            [.. Transfers.Select(t => new OwnershipEntry(t.Partition, t.NewOwner, t.FromEpoch + 1, OwnershipPhase.Owned, t.StartOffset))]);

        /// <summary>Ends the write with <paramref name="error"/>, nothing written.</summary>
        public void Fail(Exception error) => _done.SetException(error);
    }
}
