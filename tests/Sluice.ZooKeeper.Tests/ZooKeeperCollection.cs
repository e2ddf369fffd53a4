using Sluice.Testing.ZooKeeper;

namespace Sluice.ZooKeeper.Tests;

/// <summary>Client tests share one ZooKeeper server (tests of a collection run one at a time).</summary>
[CollectionDefinition(Name)]
public sealed class ZooKeeperCollection : ICollectionFixture<ZooKeeperServer>
{
    public const string Name = "zookeeper";
}

/// <summary>The fixture's own tests kill and restart their server, so they get one of their own.</summary>
[CollectionDefinition(Name)]
public sealed class ZooKeeperFixtureCollection : ICollectionFixture<ZooKeeperServer>
{
    public const string Name = "zookeeper-fixture";
}
