namespace Sluice.ZooKeeper.Native;

/// <summary>
/// An operation or watch the C client has been handed and not yet completed. Lives in <see cref="PendingTable"/>
/// under the 64-bit id passed to the C client as its <c>data</c>/<c>watcherCtx</c> pointer. Whoever takes the entry
/// out of the table (the completion, the submit-failure path, or the close sweep) completes it exactly once.
/// </summary>
internal abstract class PendingEntry(ZooKeeperClient owner, string? path)
{
    public ZooKeeperClient Owner { get; } = owner;

    public string? Path { get; } = path;

    /// <summary>Completes the entry with a failure and releases anything it holds.</summary>
    public abstract void Fail(Exception exception);

    public void Fail(ZooKeeperErrorCode code) => Fail(new ZooKeeperException(code, Path));
}
