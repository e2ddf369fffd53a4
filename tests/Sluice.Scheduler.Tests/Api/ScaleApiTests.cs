using System.Net;
using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Tests.Api;

public sealed class ScaleApiTests
{
    [Fact]
    public async Task Scale_202_OperationVisible_SinkCalled_DesiredInstancesPersisted()
    {
        await using var host = await ApiHost.StartAsync();
        (await host.PutAsync("orders", ApiHost.SimpleSpec)).Dispose();

        using var response = await host.ScaleAsync("orders", 5);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var operation = await ApiHost.ReadJsonAsync(response);
        var id = operation.GetProperty("id").GetString()!;
        Assert.Equal("scale", operation.GetProperty("kind").GetString());
        Assert.Equal("orders", operation.GetProperty("consumer").GetString());
        Assert.Equal("pending", operation.GetProperty("status").GetString());
        Assert.Equal("/api/v1/operations/" + id, operation.GetProperty("href").GetString());
        Assert.Equal("/api/v1/operations/" + id, response.Headers.Location?.OriginalString);
        Assert.Equal(5, (await host.Store.GetConsumerAsync("orders"))!.Value.Spec.DesiredInstances);
        Assert.Equal(("orders", 5, id), Assert.Single(host.Sink.Scales));

        // The engine reports progress through the tracker; polling shows it.
        host.Operations.MarkRunning(id);
        host.Operations.MarkSucceeded(id, "5 tasks running");
        using var polled = await host.Client.GetAsync("/api/v1/operations/" + id);
        var done = await ApiHost.ReadJsonAsync(polled);
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal("5 tasks running", done.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Scale_WhileOneRunning_409NamesTheRunningOperation_NothingChanged()
    {
        await using var host = await ApiHost.StartAsync();
        (await host.PutAsync("orders", ApiHost.SimpleSpec)).Dispose();
        using var first = await host.ScaleAsync("orders", 5);
        var id = (await ApiHost.ReadJsonAsync(first)).GetProperty("id").GetString()!;
        host.Operations.MarkRunning(id);
        var before = await host.SnapshotAsync();

        using var second = await host.ScaleAsync("orders", 2);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains(id, (await ApiHost.ReadJsonAsync(second)).GetProperty("detail").GetString()!, StringComparison.Ordinal);
        Assert.Equal(before, await host.SnapshotAsync());
        Assert.Single(host.Sink.Scales);

        // Once it finished, the next scale is accepted.
        host.Operations.MarkFailed(id, "no offers");
        using var third = await host.ScaleAsync("orders", 2);
        Assert.Equal(HttpStatusCode.Accepted, third.StatusCode);
    }

    [Theory]
    [InlineData("""{"instances": 1001}""", "instances must be between 0 and 1000")]
    [InlineData("""{"instances": -3}""", "instances must be between 0 and 1000")]
    [InlineData("""{}""", "instances is required")]
    public async Task Scale_InvalidInstances_400_NoOperation(string body, string message)
    {
        await using var host = await ApiHost.StartAsync();
        (await host.PutAsync("orders", ApiHost.SimpleSpec)).Dispose();
        var before = await host.SnapshotAsync();

        using var response = await host.Client.PostAsync("/api/v1/consumers/orders/scale", ApiHost.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ApiHost.ReadJsonAsync(response)).GetProperty("errors").GetProperty("instances");
        Assert.Equal(message, errors[0].GetString());
        Assert.Equal(before, await host.SnapshotAsync());
        Assert.Empty(host.Operations.ForConsumer("orders"));
        Assert.Empty(host.Sink.Scales);
    }

    [Fact]
    public async Task Scale_UnknownConsumer_404()
    {
        await using var host = await ApiHost.StartAsync();
        using var response = await host.ScaleAsync("ghost", 2);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(host.Operations.ForConsumer("ghost"));
    }

    [Fact]
    public async Task Operation_Unknown_404()
    {
        await using var host = await ApiHost.StartAsync();
        using var response = await host.Client.GetAsync("/api/v1/operations/op-nope");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Scale_ConcurrentWriterEveryTime_409_OperationDiscarded()
    {
        var store = new ConflictingStore();
        await using var host = await ApiHost.StartAsync(store: store);
        (await host.PutAsync("orders", ApiHost.SimpleSpec)).Dispose();
        store.FailPuts = true;

        using var response = await host.ScaleAsync("orders", 4);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("concurrently", (await ApiHost.ReadJsonAsync(response)).GetProperty("detail").GetString()!, StringComparison.Ordinal);
        Assert.Empty(host.Operations.ForConsumer("orders"));
        Assert.Empty(host.Sink.Scales);
    }

    [Fact]
    public async Task Scale_ConcurrentWriterOnce_RetriedOnTheFreshRecord_202()
    {
        var store = new ConflictingStore();
        await using var host = await ApiHost.StartAsync(store: store);
        (await host.PutAsync("orders", ApiHost.SimpleSpec)).Dispose();
        store.ConflictsToInject = 1;

        using var response = await host.ScaleAsync("orders", 4);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(4, (await host.Store.GetConsumerAsync("orders"))!.Value.Spec.DesiredInstances);
    }

    [Fact]
    public async Task Put_StoreFenced_503ProblemJson()
    {
        var store = new ConflictingStore { Fenced = true };
        await using var host = await ApiHost.StartAsync(store: store);

        using var response = await host.PutAsync("orders", ApiHost.SimpleSpec);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_StoreFailsUnexpectedly_500ProblemJson_NoStackTrace()
    {
        var store = new ConflictingStore { Broken = true };
        await using var host = await ApiHost.StartAsync(store: store);

        using var response = await host.PutAsync("orders", ApiHost.SimpleSpec);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("disk on fire", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);

        // The scheduler keeps serving.
        using var health = await host.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>A memory store whose consumer writes can be made to conflict (another writer) or be fenced.</summary>
    private sealed class ConflictingStore : IStateStore
    {
        private readonly MemoryStateStore _inner = new();

        public bool FailPuts { get; set; }

        public bool Fenced { get; set; }

        public bool Broken { get; set; }

        /// <summary>How many of the next consumer writes conflict (a concurrent writer got there first).</summary>
        public int ConflictsToInject { get; set; }

        public Task<Versioned<ConsumerRecord>> PutConsumerAsync(ConsumerRecord consumer, long expectedVersion, CancellationToken cancellationToken = default)
        {
            if (Broken)
            {
                throw new IOException("disk on fire");
            }
            if (Fenced)
            {
                throw new StateFencedException("consumers/" + consumer.Name, "not the leader");
            }
            if (FailPuts || ConflictsToInject-- > 0)
            {
                throw new StateConflictException("consumers/" + consumer.Name, expectedVersion, "written by someone else");
            }
            return _inner.PutConsumerAsync(consumer, expectedVersion, cancellationToken);
        }

        public Task<Versioned<string>?> GetFrameworkIdAsync(CancellationToken cancellationToken = default) => _inner.GetFrameworkIdAsync(cancellationToken);

        public Task<Versioned<string>> PutFrameworkIdAsync(string frameworkId, long expectedVersion, CancellationToken cancellationToken = default) => _inner.PutFrameworkIdAsync(frameworkId, expectedVersion, cancellationToken);

        public Task<IReadOnlyList<string>> ListConsumersAsync(CancellationToken cancellationToken = default) => _inner.ListConsumersAsync(cancellationToken);

        public Task<Versioned<ConsumerRecord>?> GetConsumerAsync(string name, CancellationToken cancellationToken = default) => _inner.GetConsumerAsync(name, cancellationToken);

        public Task DeleteConsumerAsync(string name, long expectedVersion, CancellationToken cancellationToken = default) => _inner.DeleteConsumerAsync(name, expectedVersion, cancellationToken);

        public Task<Versioned<OwnershipTable>?> GetOwnershipAsync(string consumer, CancellationToken cancellationToken = default) => _inner.GetOwnershipAsync(consumer, cancellationToken);

        public Task<Versioned<OwnershipTable>> PutOwnershipAsync(string consumer, OwnershipTable ownership, long expectedVersion, CancellationToken cancellationToken = default) => _inner.PutOwnershipAsync(consumer, ownership, expectedVersion, cancellationToken);

        public Task<IReadOnlyList<string>> ListDeploymentsAsync(CancellationToken cancellationToken = default) => _inner.ListDeploymentsAsync(cancellationToken);

        public Task<Versioned<Deployment>?> GetDeploymentAsync(string id, CancellationToken cancellationToken = default) => _inner.GetDeploymentAsync(id, cancellationToken);

        public Task<Versioned<Deployment>> PutDeploymentAsync(Deployment deployment, long expectedVersion, CancellationToken cancellationToken = default) => _inner.PutDeploymentAsync(deployment, expectedVersion, cancellationToken);

        public Task DeleteDeploymentAsync(string id, long expectedVersion, CancellationToken cancellationToken = default) => _inner.DeleteDeploymentAsync(id, expectedVersion, cancellationToken);
    }
}
