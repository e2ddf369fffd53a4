using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;
using static Sluice.Scheduler.Tests.State.StateSamples;

namespace Sluice.Scheduler.Tests.State;

/// <summary>The behaviour every <see cref="IStateStore"/> shares; run against memory, file and ZooKeeper.</summary>
public abstract class StateStoreContract : IAsyncLifetime
{
    private IStateStore? _store;

    internal IStateStore Store => _store ?? throw new InvalidOperationException("not initialized");

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    internal abstract Task<IStateStore> CreateStoreAsync();

    [Fact]
    public async Task Framework_id_is_absent_until_written_then_versioned()
    {
        Assert.Null(await Store.GetFrameworkIdAsync());

        var created = await Store.PutFrameworkIdAsync("fw-1", StateVersion.New);
        var updated = await Store.PutFrameworkIdAsync("fw-2", created.Version);

        Assert.Equal(0, created.Version);
        Assert.Equal(1, updated.Version);
        Assert.Equal(new Versioned<string>("fw-2", 1), await Store.GetFrameworkIdAsync());
    }

    [Fact]
    public async Task Consumer_round_trips_every_field()
    {
        var consumer = Consumer("orders");

        var written = await Store.PutConsumerAsync(consumer, StateVersion.New);
        var read = await Store.GetConsumerAsync("orders");

        Assert.Equal(0, written.Version);
        Assert.NotNull(read);
        Assert.Equal(0, read.Version);
        AssertSameJson(consumer, read.Value, ConsumerJson);
    }

    [Fact]
    public async Task Creating_an_existing_record_conflicts()
    {
        await Store.PutConsumerAsync(Consumer("orders"), StateVersion.New);

        var e = await Assert.ThrowsAsync<StateConflictException>(() => Store.PutConsumerAsync(Consumer("orders"), StateVersion.New));
        Assert.Equal("consumers/orders", e.Key);
    }

    [Fact]
    public async Task Write_with_a_stale_version_conflicts_and_keeps_the_newer_record()
    {
        var v0 = await Store.PutConsumerAsync(Consumer("orders", desiredInstances: 1), StateVersion.New);
        await Store.PutConsumerAsync(Consumer("orders", desiredInstances: 2), v0.Version);

        var e = await Assert.ThrowsAsync<StateConflictException>(() => Store.PutConsumerAsync(Consumer("orders", desiredInstances: 9), v0.Version));

        Assert.Equal(0, e.ExpectedVersion);
        var current = await Store.GetConsumerAsync("orders");
        Assert.Equal(1, current!.Version);
        Assert.Equal(2, current.Value.Spec.DesiredInstances);
    }

    [Fact]
    public async Task Update_of_a_missing_record_conflicts()
    {
        await Assert.ThrowsAsync<StateConflictException>(() => Store.PutConsumerAsync(Consumer("ghost"), 0));
        Assert.Null(await Store.GetConsumerAsync("ghost"));
    }

    [Fact]
    public async Task Consumers_are_listed_by_name_without_their_ownership()
    {
        await Store.PutConsumerAsync(Consumer("b"), StateVersion.New);
        await Store.PutConsumerAsync(Consumer("a"), StateVersion.New);
        await Store.PutOwnershipAsync("a", Ownership(), StateVersion.New);

        Assert.Equal(["a", "b"], await Store.ListConsumersAsync());
    }

    [Fact]
    public async Task Ownership_round_trips_and_is_versioned()
    {
        await Store.PutConsumerAsync(Consumer("orders"), StateVersion.New);

        var first = await Store.PutOwnershipAsync("orders", Ownership(epoch: 1), StateVersion.New);
        var second = await Store.PutOwnershipAsync("orders", Ownership(epoch: 2), first.Version);
        var stale = await Assert.ThrowsAsync<StateConflictException>(() => Store.PutOwnershipAsync("orders", Ownership(epoch: 3), first.Version));

        var read = await Store.GetOwnershipAsync("orders");
        Assert.Equal(1, second.Version);
        Assert.Equal("consumers/orders/ownership", stale.Key);
        Assert.Equal(1, read!.Version);
        AssertSameJson(Ownership(epoch: 2), read.Value, OwnershipJson);
    }

    [Fact]
    public async Task Ownership_of_a_missing_consumer_conflicts()
    {
        var e = await Assert.ThrowsAsync<StateConflictException>(() => Store.PutOwnershipAsync("nobody", Ownership(), StateVersion.New));
        Assert.Contains("consumers/nobody", e.Message);
    }

    [Fact]
    public async Task Deleting_a_consumer_removes_its_ownership()
    {
        var consumer = await Store.PutConsumerAsync(Consumer("orders"), StateVersion.New);
        await Store.PutOwnershipAsync("orders", Ownership(), StateVersion.New);

        await Store.DeleteConsumerAsync("orders", consumer.Version);

        Assert.Null(await Store.GetConsumerAsync("orders"));
        Assert.Null(await Store.GetOwnershipAsync("orders"));
        Assert.Empty(await Store.ListConsumersAsync());
    }

    [Fact]
    public async Task Deleting_with_a_stale_version_conflicts_and_keeps_the_record()
    {
        var v0 = await Store.PutConsumerAsync(Consumer("orders"), StateVersion.New);
        await Store.PutConsumerAsync(Consumer("orders", 5), v0.Version);

        await Assert.ThrowsAsync<StateConflictException>(() => Store.DeleteConsumerAsync("orders", v0.Version));

        Assert.NotNull(await Store.GetConsumerAsync("orders"));
    }

    [Fact]
    public async Task Deployments_round_trip_list_and_delete()
    {
        var deployment = Deployment("d-1", "orders");
        await Store.PutDeploymentAsync(Deployment("d-2", "orders"), StateVersion.New);
        var written = await Store.PutDeploymentAsync(deployment, StateVersion.New);
        var advanced = await Store.PutDeploymentAsync(deployment with { CurrentStep = 2, Status = DeploymentStatus.Succeeded }, written.Version);

        Assert.Equal(["d-1", "d-2"], await Store.ListDeploymentsAsync());
        var read = await Store.GetDeploymentAsync("d-1");
        AssertSameJson(advanced.Value, read!.Value, DeploymentJson);

        await Store.DeleteDeploymentAsync("d-1", advanced.Version);
        Assert.Equal(["d-2"], await Store.ListDeploymentsAsync());
    }

    [Fact]
    public async Task Names_that_are_not_one_path_segment_are_rejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetConsumerAsync("a/b"));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetDeploymentAsync(".."));
    }
}
