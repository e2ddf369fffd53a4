using Sluice.Testing.ZooKeeper;

namespace Sluice.Scheduler.Tests;

/// <summary>Scheduler tests that need ZooKeeper (state, leadership, detection) share one server.</summary>
[CollectionDefinition(Name)]
public sealed class ZooKeeperCollection : ICollectionFixture<ZooKeeperServer>
{
    public const string Name = "scheduler-zookeeper";
}
