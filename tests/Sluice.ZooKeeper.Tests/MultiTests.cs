using Sluice.Testing.ZooKeeper;

namespace Sluice.ZooKeeper.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class MultiTests(ZooKeeperServer server) : ZooKeeperTestBase(server)
{
    [Fact]
    public async Task Multi_applies_check_set_create_and_delete_together()
    {
        await Client.CreateAsync(Root + "/guard", default, CreateMode.Persistent);
        await Client.CreateAsync(Root + "/value", Bytes("v0"), CreateMode.Persistent);
        await Client.CreateAsync(Root + "/old", default, CreateMode.Persistent);

        var results = await Client.MultiAsync(
        [
            ZooKeeperOp.Check(Root + "/guard", 0),
            ZooKeeperOp.Set(Root + "/value", Bytes("v1"), 0),
            ZooKeeperOp.Create(Root + "/seq-", Bytes("new"), CreateMode.PersistentSequential),
            ZooKeeperOp.Delete(Root + "/old", 0),
        ]);

        Assert.Equal(4, results.Count);
        Assert.Equal(1, results[1].Stat!.Value.Version);
        Assert.Matches($@"^{Root}/seq-\d{{10}}$", results[2].CreatedPath);
        Assert.Equal("v1", Text((await Client.GetAsync(Root + "/value")).Data));
        Assert.Equal("new", Text((await Client.GetAsync(results[2].CreatedPath!)).Data));
        Assert.Null(await Client.ExistsAsync(Root + "/old"));
        Assert.Equal(0, Client.PendingCount);
    }

    [Fact]
    public async Task Multi_with_one_conflicting_version_applies_nothing_and_names_the_failed_op()
    {
        await Client.CreateAsync(Root + "/value", Bytes("v0"), CreateMode.Persistent);
        await Client.CreateAsync(Root + "/other", Bytes("o0"), CreateMode.Persistent);
        await Client.SetAsync(Root + "/other", Bytes("o1"), 0); // version now 1

        var e = await Assert.ThrowsAsync<ZooKeeperMultiException>(() => Client.MultiAsync(
        [
            ZooKeeperOp.Set(Root + "/value", Bytes("v1"), 0),
            ZooKeeperOp.Create(Root + "/created", default),
            ZooKeeperOp.Set(Root + "/other", Bytes("o2"), 0), // stale
            ZooKeeperOp.Delete(Root + "/value", ZooKeeperVersion.Any),
        ]));

        Assert.Equal(ZooKeeperErrorCode.BadVersion, e.Code);
        Assert.Equal(2, e.FailedIndex);
        Assert.Equal(Root + "/other", e.Path);
        Assert.Equal(ZooKeeperErrorCode.BadVersion, e.Results[2]);
        Assert.Equal(ZooKeeperErrorCode.RuntimeInconsistency, e.Results[3]);
        var value = await Client.GetAsync(Root + "/value");
        Assert.Equal("v0", Text(value.Data));
        Assert.Equal(0, value.Stat.Version);
        Assert.Null(await Client.ExistsAsync(Root + "/created"));
        Assert.Equal("o1", Text((await Client.GetAsync(Root + "/other")).Data));
        Assert.Equal(0, Client.PendingCount);
    }

    [Fact]
    public async Task Multi_check_of_a_missing_node_fails_with_NoNode()
    {
        var e = await Assert.ThrowsAsync<ZooKeeperMultiException>(() => Client.MultiAsync(
        [
            ZooKeeperOp.Check(Root + "/fence", ZooKeeperVersion.Any),
            ZooKeeperOp.Create(Root + "/x", default),
        ]));

        Assert.Equal(ZooKeeperErrorCode.NoNode, e.Code);
        Assert.Equal(0, e.FailedIndex);
        Assert.Null(await Client.ExistsAsync(Root + "/x"));
    }
}
