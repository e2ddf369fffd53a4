using Sluice.ZooKeeper.Native;

namespace Sluice.ZooKeeper;

/// <summary>A znode's metadata (ZooKeeper's <c>Stat</c>).</summary>
public readonly record struct ZNodeStat(
    long Czxid,
    long Mzxid,
    long CreatedUnixMs,
    long ModifiedUnixMs,
    int Version,
    int ChildVersion,
    int AclVersion,
    long EphemeralOwner,
    int DataLength,
    int ChildCount,
    long Pzxid)
{
    internal static unsafe ZNodeStat From(ZkStat* stat) => stat is null
        ? default
        : new ZNodeStat(stat->Czxid, stat->Mzxid, stat->Ctime, stat->Mtime, stat->Version, stat->Cversion,
            stat->Aversion, stat->EphemeralOwner, stat->DataLength, stat->NumChildren, stat->Pzxid);
}
