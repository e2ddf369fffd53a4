namespace Sluice.ZooKeeper;

/// <summary>One operation of a <see cref="IZooKeeperClient.MultiAsync"/> transaction.</summary>
public abstract record ZooKeeperOp(string Path)
{
    /// <summary>Asserts the node exists with <paramref name="version"/> (<see cref="ZooKeeperVersion.Any"/>: exists at all).</summary>
    public static ZooKeeperOp Check(string path, int version) => new CheckOp(path, version);

    public static ZooKeeperOp Create(string path, ReadOnlyMemory<byte> data = default, CreateMode mode = CreateMode.Persistent) =>
        new CreateOp(path, data, mode);

    public static ZooKeeperOp Set(string path, ReadOnlyMemory<byte> data, int version) => new SetOp(path, data, version);

    public static ZooKeeperOp Delete(string path, int version) => new DeleteOp(path, version);

    public sealed record CheckOp(string Path, int Version) : ZooKeeperOp(Path);

    public sealed record CreateOp(string Path, ReadOnlyMemory<byte> Data, CreateMode Mode) : ZooKeeperOp(Path);

    public sealed record SetOp(string Path, ReadOnlyMemory<byte> Data, int Version) : ZooKeeperOp(Path);

    public sealed record DeleteOp(string Path, int Version) : ZooKeeperOp(Path);
}
