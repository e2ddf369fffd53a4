namespace Sluice.ZooKeeper.Native;

/// <summary>A pending single operation that completes a <see cref="Task{T}"/>; optionally tied to a watch it armed.</summary>
internal sealed class PendingCompletion<T>(ZooKeeperClient owner, string? path) : PendingEntry(owner, path)
{
    // Continuations must not run on the C client's completion thread (they would stall every other completion).
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _completion.Task;

    /// <summary>The id of the watch this read arms, 0 for none; dropped when the read fails (the watch is then not armed).</summary>
    public long WatchId { get; init; }

    public void Complete(T value) => _completion.TrySetResult(value);

    public override void Fail(Exception exception)
    {
        DropWatch();
        _completion.TrySetException(exception);
    }

    private void DropWatch()
    {
        if (WatchId != 0 && PendingTable.Take(WatchId) is PendingWatch watch) watch.Drop();
    }
}
