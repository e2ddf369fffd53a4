using Sluice.Testing.ZooKeeper;

namespace Sluice.ZooKeeper.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class CrudTests(ZooKeeperServer server) : ZooKeeperTestBase(server)
{
    [Fact]
    public async Task Create_then_get_returns_the_data_and_a_fresh_stat()
    {
        var created = await Client.CreateAsync(Root + "/a", Bytes("hello"), CreateMode.Persistent);

        var node = await Client.GetAsync(Root + "/a");
        Assert.Equal(Root + "/a", created);
        Assert.Equal("hello", Text(node.Data));
        Assert.Equal(0, node.Stat.Version);
        Assert.Equal(5, node.Stat.DataLength);
        Assert.Equal(0L, node.Stat.EphemeralOwner);
        Assert.True(node.Stat.CreatedUnixMs > 0);
    }

    [Fact]
    public async Task Create_without_data_stores_empty_data()
    {
        await Client.CreateAsync(Root + "/empty", default, CreateMode.Persistent);

        var node = await Client.GetAsync(Root + "/empty");
        Assert.Empty(node.Data);
        Assert.Equal(0, node.Stat.DataLength);
    }

    [Fact]
    public async Task Create_of_an_existing_node_fails_with_NodeExists_and_the_path()
    {
        await Client.CreateAsync(Root + "/a", default, CreateMode.Persistent);

        var e = await Assert.ThrowsAsync<ZooKeeperException>(() => Client.CreateAsync(Root + "/a", default, CreateMode.Persistent));
        Assert.Equal(ZooKeeperErrorCode.NodeExists, e.Code);
        Assert.Equal(Root + "/a", e.Path);
        Assert.Contains(Root + "/a", e.Message);
    }

    [Fact]
    public async Task Create_under_a_missing_parent_fails_with_NoNode()
    {
        var e = await Assert.ThrowsAsync<ZooKeeperException>(() => Client.CreateAsync(Root + "/missing/child", default, CreateMode.Persistent));
        Assert.Equal(ZooKeeperErrorCode.NoNode, e.Code);
    }

    [Fact]
    public async Task Get_of_a_missing_node_fails_with_NoNode()
    {
        var e = await Assert.ThrowsAsync<ZooKeeperException>(() => Client.GetAsync(Root + "/nothing"));
        Assert.Equal(ZooKeeperErrorCode.NoNode, e.Code);
        Assert.Equal(Root + "/nothing", e.Path);
    }

    [Fact]
    public async Task Set_with_the_current_version_writes_and_bumps_the_version()
    {
        await Client.CreateAsync(Root + "/a", Bytes("v0"), CreateMode.Persistent);

        var stat = await Client.SetAsync(Root + "/a", Bytes("v1"), 0);

        Assert.Equal(1, stat.Version);
        Assert.Equal("v1", Text((await Client.GetAsync(Root + "/a")).Data));
    }

    [Fact]
    public async Task Set_with_a_stale_version_fails_with_BadVersion_and_keeps_the_data()
    {
        await Client.CreateAsync(Root + "/a", Bytes("v0"), CreateMode.Persistent);
        await Client.SetAsync(Root + "/a", Bytes("v1"), 0);

        var e = await Assert.ThrowsAsync<ZooKeeperException>(() => Client.SetAsync(Root + "/a", Bytes("stale"), 0));

        Assert.Equal(ZooKeeperErrorCode.BadVersion, e.Code);
        Assert.Equal("v1", Text((await Client.GetAsync(Root + "/a")).Data));
    }

    [Fact]
    public async Task Set_with_any_version_writes_unconditionally()
    {
        await Client.CreateAsync(Root + "/a", Bytes("v0"), CreateMode.Persistent);
        await Client.SetAsync(Root + "/a", Bytes("v1"), ZooKeeperVersion.Any);
        var stat = await Client.SetAsync(Root + "/a", Bytes("v2"), ZooKeeperVersion.Any);
        Assert.Equal(2, stat.Version);
    }

    [Fact]
    public async Task Delete_removes_the_node_and_checks_the_version()
    {
        await Client.CreateAsync(Root + "/a", default, CreateMode.Persistent);

        var stale = await Assert.ThrowsAsync<ZooKeeperException>(() => Client.DeleteAsync(Root + "/a", 7));
        Assert.Equal(ZooKeeperErrorCode.BadVersion, stale.Code);

        await Client.DeleteAsync(Root + "/a", 0);
        Assert.Null(await Client.ExistsAsync(Root + "/a"));
        var missing = await Assert.ThrowsAsync<ZooKeeperException>(() => Client.DeleteAsync(Root + "/a", ZooKeeperVersion.Any));
        Assert.Equal(ZooKeeperErrorCode.NoNode, missing.Code);
    }

    [Fact]
    public async Task Delete_of_a_node_with_children_fails_with_NotEmpty()
    {
        await Client.CreateAsync(Root + "/a", default, CreateMode.Persistent);
        await Client.CreateAsync(Root + "/a/b", default, CreateMode.Persistent);

        var e = await Assert.ThrowsAsync<ZooKeeperException>(() => Client.DeleteAsync(Root + "/a", ZooKeeperVersion.Any));
        Assert.Equal(ZooKeeperErrorCode.NotEmpty, e.Code);
    }

    [Fact]
    public async Task Exists_returns_the_stat_or_null()
    {
        await Client.CreateAsync(Root + "/a", Bytes("xyz"), CreateMode.Persistent);

        var stat = await Client.ExistsAsync(Root + "/a");
        Assert.NotNull(stat);
        Assert.Equal(3, stat.Value.DataLength);
        Assert.Null(await Client.ExistsAsync(Root + "/b"));
    }

    [Fact]
    public async Task Children_are_listed_sorted_with_the_parent_stat()
    {
        foreach (var name in new[] { "c", "a", "b" }) await Client.CreateAsync($"{Root}/{name}", default, CreateMode.Persistent);

        var children = await Client.GetChildrenAsync(Root);

        Assert.Equal(["a", "b", "c"], children.Names);
        Assert.Equal(3, children.Stat.ChildCount);
    }

    [Fact]
    public async Task Sequential_nodes_get_increasing_ten_digit_suffixes()
    {
        var first = await Client.CreateAsync(Root + "/item-", default, CreateMode.PersistentSequential);
        var second = await Client.CreateAsync(Root + "/item-", default, CreateMode.PersistentSequential);

        Assert.Matches(@"/item-\d{10}$", first);
        Assert.True(string.CompareOrdinal(first, second) < 0, $"{first} < {second}");
    }

    [Fact]
    public async Task Ephemeral_node_belongs_to_its_session_and_disappears_when_it_closes()
    {
        var owner = await ConnectAsync();
        var path = await owner.CreateAsync(Root + "/lease-", Bytes("mine"), CreateMode.EphemeralSequential);
        var stat = await Client.ExistsAsync(path);
        Assert.Equal(owner.Session!.Id, stat!.Value.EphemeralOwner);

        await owner.DisposeAsync();

        Assert.Null(await Client.ExistsAsync(path));
    }

    [Fact]
    public async Task Ephemeral_node_cannot_have_children()
    {
        await Client.CreateAsync(Root + "/e", default, CreateMode.Ephemeral);
        var e = await Assert.ThrowsAsync<ZooKeeperException>(() => Client.CreateAsync(Root + "/e/child", default, CreateMode.Persistent));
        Assert.Equal(ZooKeeperErrorCode.NoChildrenForEphemerals, e.Code);
    }

    [Fact]
    public async Task Chroot_makes_paths_relative_to_it()
    {
        await Client.CreateAsync(Root + "/chroot", default, CreateMode.Persistent);
        var rooted = await ConnectAsync(o => o with { ConnectionString = Server.ConnectionString + Root + "/chroot" });

        var created = await rooted.CreateAsync("/inside", Bytes("x"), CreateMode.PersistentSequential);
        var multi = await rooted.MultiAsync([ZooKeeperOp.Create("/multi", Bytes("m"))]);

        Assert.StartsWith("/inside", created);
        Assert.Equal("/multi", multi[0].CreatedPath);
        Assert.Equal("x", Text((await Client.GetAsync(Root + "/chroot" + created)).Data));
        Assert.NotNull(await Client.ExistsAsync(Root + "/chroot/multi"));
    }

    [Fact]
    public async Task EnsurePath_creates_missing_ancestors_and_tolerates_existing_ones()
    {
        await Client.CreateAsync(Root + "/a", Bytes("keep"), CreateMode.Persistent);

        await Client.EnsurePathAsync(Root + "/a/b/c");
        await Client.EnsurePathAsync(Root + "/a/b/c");

        Assert.NotNull(await Client.ExistsAsync(Root + "/a/b/c"));
        Assert.Equal("keep", Text((await Client.GetAsync(Root + "/a")).Data));
    }

    [Fact]
    public async Task Relative_paths_are_rejected_before_reaching_the_server()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client.GetAsync("relative"));
    }
}
