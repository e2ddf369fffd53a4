namespace Sluice.ZooKeeper;

/// <summary>How <see cref="IZooKeeperClient.CreateAsync"/> creates a node (ZooKeeper's create flags).</summary>
public enum CreateMode
{
    Persistent = 0,
    Ephemeral = 1,
    PersistentSequential = 2,
    EphemeralSequential = 3,
}
