using Sluice.Testing;
using Sluice.Testing.ZooKeeper;

namespace Sluice.ZooKeeper.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class WatchTests(ZooKeeperServer server) : ZooKeeperTestBase(server)
{
    [Fact]
    public async Task Data_watch_fires_once_on_the_next_change()
    {
        await Client.CreateAsync(Root + "/a", Bytes("v0"), CreateMode.Persistent);
        var watched = await Client.GetAndWatchAsync(Root + "/a");
        Assert.False(watched.Changed.IsCompleted);

        var other = await ConnectAsync();
        await other.SetAsync(Root + "/a", Bytes("v1"), ZooKeeperVersion.Any);

        var fired = await Eventually.WithinAsync(watched.Changed, Timeout, "the data watch");
        Assert.Equal(new WatchedEvent(WatchEventType.NodeDataChanged, Root + "/a"), fired);
        Assert.Equal(0, Client.PendingCount);
    }

    [Fact]
    public async Task Data_watch_fires_on_deletion()
    {
        await Client.CreateAsync(Root + "/a", default, CreateMode.Persistent);
        var watched = await Client.GetAndWatchAsync(Root + "/a");

        await Client.DeleteAsync(Root + "/a", ZooKeeperVersion.Any);

        var fired = await Eventually.WithinAsync(watched.Changed, Timeout, "the data watch");
        Assert.Equal(WatchEventType.NodeDeleted, fired.Type);
    }

    [Fact]
    public async Task Children_watch_fires_when_a_child_is_added()
    {
        var watched = await Client.GetChildrenAndWatchAsync(Root);
        Assert.Empty(watched.Value.Names);

        await Client.CreateAsync(Root + "/child", default, CreateMode.Persistent);

        var fired = await Eventually.WithinAsync(watched.Changed, Timeout, "the children watch");
        Assert.Equal(new WatchedEvent(WatchEventType.NodeChildrenChanged, Root), fired);
    }

    [Fact]
    public async Task Exists_watch_on_an_absent_node_fires_on_its_creation()
    {
        var watched = await Client.ExistsAndWatchAsync(Root + "/later");
        Assert.Null(watched.Value);

        await Client.CreateAsync(Root + "/later", default, CreateMode.Persistent);

        var fired = await Eventually.WithinAsync(watched.Changed, Timeout, "the exists watch");
        Assert.Equal(WatchEventType.NodeCreated, fired.Type);
    }

    [Fact]
    public async Task Watch_on_a_missing_node_is_not_armed_and_the_read_fails()
    {
        var e = await Assert.ThrowsAsync<ZooKeeperException>(() => Client.GetAndWatchAsync(Root + "/missing"));
        Assert.Equal(ZooKeeperErrorCode.NoNode, e.Code);
        Assert.Equal(0, Client.PendingCount);
    }

    [Fact]
    public async Task Watch_faults_with_SessionExpired_when_the_session_expires()
    {
        var victim = await ConnectAsync();
        await Client.CreateAsync(Root + "/a", default, CreateMode.Persistent);
        var watched = await victim.GetAndWatchAsync(Root + "/a");

        await SessionExpiry.ExpireAsync(victim, Server.ConnectionString);

        var e = await Assert.ThrowsAsync<ZooKeeperException>(() => Eventually.WithinAsync(watched.Changed, Timeout, "the watch to fault"));
        Assert.Equal(ZooKeeperErrorCode.SessionExpired, e.Code);
    }

    [Fact]
    public async Task Watch_faults_with_Closing_when_the_client_is_disposed()
    {
        var owner = await ConnectAsync();
        await Client.CreateAsync(Root + "/a", default, CreateMode.Persistent);
        var watched = await owner.GetAndWatchAsync(Root + "/a");

        await owner.DisposeAsync();

        var e = await Assert.ThrowsAsync<ZooKeeperException>(() => Eventually.WithinAsync(watched.Changed, Timeout, "the watch to fault"));
        Assert.Equal(ZooKeeperErrorCode.Closing, e.Code);
        Assert.Equal(0, owner.PendingCount);
    }
}
