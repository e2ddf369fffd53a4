namespace Sluice.ZooKeeper.Native;

/// <summary>A one-shot watch the C client holds; completes when it fires, faults when it never can.</summary>
internal sealed class PendingWatch(ZooKeeperClient owner, string path) : PendingEntry(owner, path)
{
    private readonly TaskCompletionSource<WatchedEvent> _fired = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<WatchedEvent> Task => _fired.Task;

    public void Fire(WatchEventType type, string path) => _fired.TrySetResult(new WatchedEvent(type, path));

    public override void Fail(Exception exception) => _fired.TrySetException(exception);

    /// <summary>The read that would have armed the watch failed: nobody will see this task.</summary>
    public void Drop() => _fired.TrySetCanceled();
}
