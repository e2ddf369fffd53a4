namespace Sluice.ZooKeeper;

/// <summary>Version arguments of set, delete and check.</summary>
public static class ZooKeeperVersion
{
    /// <summary>Matches any version (ZooKeeper's -1).</summary>
    public const int Any = -1;
}
