namespace Sluice.Scheduler.Handover;

/// <summary>
/// Group commit for the transfers of one batch of moves: a transfer that arrives while no ledger write runs starts
/// one at once; those that arrive meanwhile wait and share the next write. So the first released partition reaches
/// its new owner after one write, and a batch of n costs at most n writes but usually two or three.
/// </summary>
/// <remarks>
/// A failed write (a conflict) fails the transfers it carried, all of them (a ledger write is all or none); they are
/// left for the next attempt. One instance serves one batch, under the batch's <paramref name="cancellationToken"/>.
/// </remarks>
internal sealed class TransferGroupCommit(IOwnershipLedger ledger, CancellationToken cancellationToken)
{
    private readonly Lock _gate = new();
    private List<(OwnershipTransfer Transfer, TaskCompletionSource<OwnershipEntry> Done)> _waiting = [];
    private bool _writing;
    private int _writes;

    /// <summary>Ledger writes begun so far (failed ones included).</summary>
    public int Writes => Volatile.Read(ref _writes);

    public Task<OwnershipEntry> TransferAsync(OwnershipTransfer transfer)
    {
        var done = new TaskCompletionSource<OwnershipEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_gate)
        {
            _waiting.Add((transfer, done));
            start = !_writing;
            _writing = true;
        }
        if (start)
        {
            _ = WriteWhileWaitingAsync();
        }
        return done.Task;
    }

    private async Task WriteWhileWaitingAsync()
    {
        while (true)
        {
            List<(OwnershipTransfer Transfer, TaskCompletionSource<OwnershipEntry> Done)> batch;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _writing = false;
                    return;
                }
                batch = _waiting;
                _waiting = [];
            }
            if (cancellationToken.IsCancellationRequested)
            {
                batch.ForEach(b => b.Done.TrySetCanceled(cancellationToken));
                continue;
            }
            try
            {
                Interlocked.Increment(ref _writes);
                var entries = await ledger.TransferAsync([.. batch.Select(b => b.Transfer)], cancellationToken);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(entries[i]);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                batch.ForEach(b => b.Done.TrySetCanceled(cancellationToken));
            }
            catch (Exception ex)
            {
                batch.ForEach(b => b.Done.TrySetException(ex));
            }
        }
    }
}
