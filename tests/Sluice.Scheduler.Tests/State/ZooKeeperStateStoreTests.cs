using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;
using Sluice.Testing.ZooKeeper;
using Sluice.ZooKeeper;

namespace Sluice.Scheduler.Tests.State;

[Collection(ZooKeeperCollection.Name)]
public sealed class ZooKeeperStateStoreTests(ZooKeeperServer server) : StateStoreContract
{
    private readonly string _framework = "fw-" + Guid.NewGuid().ToString("N")[..12];
    private readonly MutableFence _fence = new();
    private ZooKeeperClient? _client;

    internal override async Task<IStateStore> CreateStoreAsync()
    {
        _client = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = server.ConnectionString });
        var leaderPath = ZooKeeperLayout.Leader(_framework);
        await _client.EnsurePathAsync(leaderPath);
        var node = await _client.CreateAsync(leaderPath + "/test-", default, CreateMode.EphemeralSequential);
        _fence.CurrentToken = new FencingToken(node, 0);
        var store = new ZooKeeperStateStore(_client, _framework, _fence, NullLogger<ZooKeeperStateStore>.Instance);
        await store.InitializeAsync();
        return store;
    }

    public override async Task DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
    }

    [Fact]
    public async Task Records_live_at_the_documented_znode_paths()
    {
        await Store.PutFrameworkIdAsync("fw", StateVersion.New);
        await Store.PutConsumerAsync(StateSamples.Consumer("orders"), StateVersion.New);
        await Store.PutOwnershipAsync("orders", StateSamples.Ownership(), StateVersion.New);
        await Store.PutDeploymentAsync(StateSamples.Deployment("d-1", "orders"), StateVersion.New);

        var root = "/sluice/" + _framework;
        Assert.Equal(["consumers", "deployments", "framework-id", "leader"], (await _client!.GetChildrenAsync(root)).Names);
        Assert.NotNull(await _client.ExistsAsync(root + "/consumers/orders"));
        Assert.NotNull(await _client.ExistsAsync(root + "/consumers/orders/ownership"));
        Assert.NotNull(await _client.ExistsAsync(root + "/deployments/d-1"));
    }

    [Fact]
    public async Task Write_with_a_fencing_token_whose_node_is_gone_is_rejected_and_applies_nothing()
    {
        var consumer = await Store.PutConsumerAsync(StateSamples.Consumer("orders"), StateVersion.New);
        var ownership = await Store.PutOwnershipAsync("orders", StateSamples.Ownership(epoch: 1), StateVersion.New);
        await _client!.DeleteAsync(_fence.CurrentToken!.Path, ZooKeeperVersion.Any); // leadership gone

        await Assert.ThrowsAsync<StateFencedException>(() => Store.PutOwnershipAsync("orders", StateSamples.Ownership(epoch: 2), ownership.Version));
        await Assert.ThrowsAsync<StateFencedException>(() => Store.DeleteConsumerAsync("orders", consumer.Version));
        await Assert.ThrowsAsync<StateFencedException>(() => Store.PutDeploymentAsync(StateSamples.Deployment("d", "orders"), StateVersion.New));

        Assert.Equal(1, (await Store.GetOwnershipAsync("orders"))!.Value.Partitions[0].Epoch);
        Assert.NotNull(await Store.GetConsumerAsync("orders"));
        Assert.Null(await Store.GetDeploymentAsync("d"));
    }

    [Fact]
    public async Task Write_without_leadership_is_rejected_before_reaching_ZooKeeper()
    {
        _fence.CurrentToken = null;

        var e = await Assert.ThrowsAsync<StateFencedException>(() => Store.PutFrameworkIdAsync("fw", StateVersion.New));
        Assert.Contains("not the leader", e.Message);
        Assert.Null(await _client!.ExistsAsync($"/sluice/{_framework}/framework-id"));
    }

    private sealed class MutableFence : IFencingTokenSource
    {
        public FencingToken? CurrentToken { get; set; }
    }
}
