namespace Sluice.ZooKeeper;

/// <summary>
/// A session's identity: id and password. Passing it in <see cref="ZooKeeperClientOptions.Session"/> makes a new
/// client attach to that session (ZooKeeper's session re-attach); tests use it to expire a session on demand.
/// </summary>
public sealed record ZooKeeperSession(long Id, byte[] Password)
{
    public override string ToString() => $"0x{Id:x}";
}
