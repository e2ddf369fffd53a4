namespace Sluice.ZooKeeper;

/// <summary>
/// An asynchronous ZooKeeper session: the seam between Sluice and a ZooKeeper client library. Sluice binds
/// Apache's C client (<see cref="ZooKeeperClient"/>); a ZooKeeperNetEx-based implementation could take its place.
/// </summary>
/// <remarks>
/// Paths are absolute (relative to the chroot, if any). Operations complete on thread-pool threads, never on the
/// library's own threads, so continuations may block or call back into the client. A cancellation token only stops
/// the wait: a mutating operation may still be applied. Failures throw <see cref="ZooKeeperException"/> with the
/// error code and path; after <see cref="ZooKeeperState.Expired"/> every operation fails with
/// <see cref="ZooKeeperErrorCode.SessionExpired"/>, and the owner must build a new client.
/// </remarks>
public interface IZooKeeperClient : IAsyncDisposable
{
    /// <summary>The current session state.</summary>
    ZooKeeperState State { get; }

    /// <summary>The session's id and password; null before the first connection.</summary>
    ZooKeeperSession? Session { get; }

    /// <summary>The session timeout the server granted (zero before the first connection).</summary>
    TimeSpan NegotiatedSessionTimeout { get; }

    /// <summary>
    /// Raised on every state change, in order, on a thread-pool thread (never the C client's threads).
    /// Handlers must not block for long; exceptions they throw are logged and swallowed.
    /// </summary>
    event EventHandler<ZooKeeperState>? StateChanged;

    /// <summary>Creates a node and returns its actual path (with the sequence suffix for sequential modes).</summary>
    /// <remarks>The node gets the client's ACL (<see cref="NodeAcl.ClientDefault"/>).</remarks>
    Task<string> CreateAsync(string path, ReadOnlyMemory<byte> data, CreateMode mode, CancellationToken cancellationToken = default);

    /// <summary>Creates a node with the ACL <paramref name="acl"/> and returns its actual path.</summary>
    Task<string> CreateAsync(string path, ReadOnlyMemory<byte> data, CreateMode mode, NodeAcl acl, CancellationToken cancellationToken = default);

    /// <summary>Reads a node's data and metadata. Throws <see cref="ZooKeeperErrorCode.NoNode"/> when absent.</summary>
    Task<ZNodeData> GetAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Reads a node and sets a one-shot watch for its next data change or deletion.</summary>
    Task<Watched<ZNodeData>> GetAndWatchAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Writes a node's data if its version is <paramref name="version"/> (<see cref="ZooKeeperVersion.Any"/>: unconditionally).</summary>
    Task<ZNodeStat> SetAsync(string path, ReadOnlyMemory<byte> data, int version, CancellationToken cancellationToken = default);

    /// <summary>Deletes a node if its version is <paramref name="version"/> and it has no children.</summary>
    Task DeleteAsync(string path, int version, CancellationToken cancellationToken = default);

    /// <summary>A node's metadata, or null when it does not exist.</summary>
    Task<ZNodeStat?> ExistsAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="ExistsAsync"/> and sets a one-shot watch: for creation when absent, for change or deletion when present.</summary>
    Task<Watched<ZNodeStat?>> ExistsAndWatchAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>A node's children, sorted, and its metadata.</summary>
    Task<ZNodeChildren> GetChildrenAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Reads the children and sets a one-shot watch for the next change of the child list (or the node's deletion).</summary>
    Task<Watched<ZNodeChildren>> GetChildrenAndWatchAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies <paramref name="operations"/> atomically: all or none. On rejection throws
    /// <see cref="ZooKeeperMultiException"/> naming the first failing operation.
    /// </summary>
    Task<IReadOnlyList<OpResult>> MultiAsync(IReadOnlyList<ZooKeeperOp> operations, CancellationToken cancellationToken = default);
}
