using Sluice.Testing.ZooKeeper;

namespace Sluice.ZooKeeper.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class DigestAclTests(ZooKeeperServer server) : ZooKeeperTestBase(server)
{
    [Fact]
    public async Task Node_created_with_digest_credentials_is_readable_only_by_the_same_user()
    {
        var owner = await ConnectAsync(o => o with { Digest = new DigestCredentials("sluice", "s3cret") });
        var sameUser = await ConnectAsync(o => o with { Digest = new DigestCredentials("sluice", "s3cret") });
        var otherUser = await ConnectAsync(o => o with { Digest = new DigestCredentials("intruder", "guess") });
        await owner.CreateAsync(Root + "/secret", Bytes("classified"), CreateMode.Persistent);

        Assert.Equal("classified", Text((await sameUser.GetAsync(Root + "/secret")).Data));
        var anonymous = await Assert.ThrowsAsync<ZooKeeperException>(() => Client.GetAsync(Root + "/secret"));
        var intruder = await Assert.ThrowsAsync<ZooKeeperException>(() => otherUser.SetAsync(Root + "/secret", Bytes("x"), ZooKeeperVersion.Any));
        Assert.Equal(ZooKeeperErrorCode.NoAuth, anonymous.Code);
        Assert.Equal(ZooKeeperErrorCode.NoAuth, intruder.Code);
    }

    [Fact]
    public async Task Node_created_open_by_a_client_with_credentials_takes_children_from_anyone()
    {
        var owner = await ConnectAsync(o => o with { Digest = new DigestCredentials("sluice", "s3cret") });
        var otherUser = await ConnectAsync(o => o with { Digest = new DigestCredentials("neighbour", "other") });
        await owner.EnsurePathAsync(Root + "/shared", NodeAcl.Open);
        await owner.EnsurePathAsync(Root + "/shared/mine");

        await otherUser.CreateAsync(Root + "/shared/theirs", Bytes("x"), CreateMode.Persistent);
        Assert.Equal(["mine", "theirs"], (await Client.GetChildrenAsync(Root + "/shared")).Names);
        var intruder = await Assert.ThrowsAsync<ZooKeeperException>(() => otherUser.CreateAsync(Root + "/shared/mine/planted", default, CreateMode.Persistent));
        Assert.Equal(ZooKeeperErrorCode.NoAuth, intruder.Code);
    }
}
