namespace Sluice.ZooKeeper;

/// <summary>
/// A <see cref="IZooKeeperClient.MultiAsync"/> was rejected as a whole: no operation was applied.
/// <see cref="ZooKeeperException.Code"/> is the failing operation's error (or the transport error when the
/// request never got an answer, then <see cref="FailedIndex"/> is -1).
/// </summary>
public sealed class ZooKeeperMultiException : ZooKeeperException
{
    public ZooKeeperMultiException(ZooKeeperErrorCode code, int failedIndex, string? failedPath, IReadOnlyList<ZooKeeperErrorCode> results)
        : base(code, failedPath, Describe(code, failedIndex, failedPath))
    {
        FailedIndex = failedIndex;
        Results = results;
    }

    /// <summary>Index of the first operation that failed, or -1 when the failure was not an operation's (e.g. connection loss).</summary>
    public int FailedIndex { get; }

    /// <summary>Per-operation error codes as reported (operations after the failing one report <see cref="ZooKeeperErrorCode.RuntimeInconsistency"/>).</summary>
    public IReadOnlyList<ZooKeeperErrorCode> Results { get; }

    private static string Describe(ZooKeeperErrorCode code, int failedIndex, string? failedPath) =>
        failedIndex < 0
            ? $"ZooKeeper multi failed: {Describe(code, null)}"
            : $"ZooKeeper multi failed at operation {failedIndex}: {Describe(code, failedPath)}";
}
