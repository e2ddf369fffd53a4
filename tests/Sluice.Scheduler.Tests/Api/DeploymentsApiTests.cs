using System.Net;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Tests.Api;

public sealed class DeploymentsApiTests
{
    private const string Green = """{"version": {"version": "v2", "handler": {"type": "sluice:record", "settings": {"output": "/tmp/x"}}}, "strategy": {"steps": [10, 50, 100], "bakeSeconds": 5}}""";

    private static Task<HttpResponseMessage> StartAsync(ApiHost host, string name, string body, string contentType = "application/json") =>
        host.Client.PostAsync($"/api/v1/consumers/{name}/deployments", ApiHost.Json(body, contentType));

    [Fact]
    public async Task Starting_a_deployment_answers_202_stores_it_pending_and_adds_the_green_version()
    {
        await using var host = await ApiHost.StartAsync();
        (await host.PutAsync("orders", ApiHost.SimpleSpec)).Dispose();

        using var response = await StartAsync(host, "orders", Green);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await ApiHost.ReadJsonAsync(response);
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal("pending", body.GetProperty("status").GetString());
        Assert.Equal(("v1", "v2"), (body.GetProperty("fromVersion").GetString(), body.GetProperty("toVersion").GetString()));
        Assert.Equal($"/api/v1/consumers/orders/deployments/{id}", response.Headers.Location?.OriginalString);
        var stored = (await host.Store.GetDeploymentAsync(id))!.Value;
        Assert.Equal([10, 50, 100], stored.Steps.Select(s => s.PercentOfPartitions));
        Assert.Equal(TimeSpan.FromSeconds(5), stored.Steps[0].BakeTime);
        var spec = (await host.Store.GetConsumerAsync("orders"))!.Value.Spec;
        Assert.Equal("v1", spec.ActiveVersion);
        Assert.Contains(spec.Versions, v => v.Id == "v2");
        Assert.Contains(host.Sink.Changes, c => c.Name == "orders");
    }

    [Fact]
    public async Task A_second_deployment_while_one_is_active_is_409()
    {
        await using var host = await ApiHost.StartAsync();
        (await host.PutAsync("orders", ApiHost.SimpleSpec)).Dispose();
        (await StartAsync(host, "orders", Green)).Dispose();

        using var second = await StartAsync(host, "orders", Green.Replace("\"v2\"", "\"v3\"", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("finish, roll back or abort it first", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(await host.Store.ListDeploymentsAsync());
    }

    [Theory]
    [InlineData("""{"version": {"version": "v2", "handler": {"type": "x"}}, "strategy": {"steps": [50, 10, 100]}}""", "strategy.steps")]
    [InlineData("""{"version": {"version": "v2", "handler": {"type": "x"}}, "strategy": {"steps": [10, 50]}}""", "strategy.steps")]
    [InlineData("""{"version": {"version": "v2", "handler": {"type": "x"}}, "strategy": {"bakeSeconds": -1}}""", "strategy.bakeSeconds")]
    [InlineData("""{"version": {"version": "v2", "handler": {"type": "x"}}, "strategy": {"gates": {"maxErrorRate": 2}}}""", "strategy.gates.maxErrorRate")]
    [InlineData("""{"version": {"version": "v1", "handler": {"type": "x"}}}""", "version.version")]
    [InlineData("""{"version": {"version": "v2"}}""", "version.handler")]
    [InlineData("""{"version": {"version": "v2", "handler": {"type": "x"}, "topics": ["other"]}}""", "version")]
    [InlineData("""{"strategy": {}}""", "version")]
    public async Task Invalid_deployments_are_400_naming_the_field_and_store_nothing(string body, string field)
    {
        await using var host = await ApiHost.StartAsync();
        (await host.PutAsync("orders", ApiHost.SimpleSpec)).Dispose();
        var before = await host.SnapshotAsync();

        using var response = await StartAsync(host, "orders", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ApiHost.ReadJsonAsync(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors name '{field}': {problem}");
        Assert.Equal(before, await host.SnapshotAsync());
        Assert.Empty(await host.Store.ListDeploymentsAsync());
    }

    [Fact]
    public async Task Bad_bodies_unknown_consumers_and_unknown_deployments_get_the_right_4xx()
    {
        await using var host = await ApiHost.StartAsync();
        (await host.PutAsync("orders", ApiHost.SimpleSpec)).Dispose();

        using var notJson = await StartAsync(host, "orders", Green, "text/plain");
        using var malformed = await StartAsync(host, "orders", "{\"version\": ");
        using var unknownProperty = await StartAsync(host, "orders", """{"version": {"version": "v2", "handler": {"type": "x"}}, "colour": "green"}""");
        using var noConsumer = await StartAsync(host, "nobody", Green);
        using var noDeployment = await host.Client.GetAsync("/api/v1/consumers/orders/deployments/nope");
        using var badAction = await host.Client.PostAsync("/api/v1/consumers/orders/deployments/nope/explode", null);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownProperty.StatusCode);
        Assert.Contains("unknown property 'colour'", await unknownProperty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, noConsumer.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noDeployment.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, badAction.StatusCode);
    }

    [Fact]
    public async Task Actions_apply_only_where_they_make_sense_and_otherwise_are_409()
    {
        await using var host = await ApiHost.StartAsync();
        (await host.PutAsync("orders", ApiHost.SimpleSpec)).Dispose();
        using var started = await StartAsync(host, "orders", Green);
        var id = (await ApiHost.ReadJsonAsync(started)).GetProperty("id").GetString()!;
        async Task<HttpStatusCode> Act(string action)
        {
            using var response = await host.Client.PostAsync($"/api/v1/consumers/orders/deployments/{id}/{action}", null);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Conflict, await Act("resume"));   // not paused
        Assert.Equal(HttpStatusCode.Conflict, await Act("promote"));  // nothing has moved yet
        Assert.Equal(HttpStatusCode.Accepted, await Act("pause"));
        Assert.Equal(DeploymentStatus.Paused, (await host.Store.GetDeploymentAsync(id))!.Value.Status);
        Assert.Equal(HttpStatusCode.Accepted, await Act("resume"));
        Assert.Equal(DeploymentStatus.Pending, (await host.Store.GetDeploymentAsync(id))!.Value.Status);
        Assert.Equal(HttpStatusCode.Accepted, await Act("rollback"));
        Assert.Equal(DeploymentStatus.RollingBack, (await host.Store.GetDeploymentAsync(id))!.Value.Status);
        Assert.Equal(HttpStatusCode.Conflict, await Act("pause"));
        Assert.Equal(HttpStatusCode.Accepted, await Act("abort"));
        Assert.Equal(DeploymentStatus.Aborting, (await host.Store.GetDeploymentAsync(id))!.Value.Status);
    }

    [Fact]
    public async Task The_list_shows_each_deployment_with_the_partitions_each_version_owns()
    {
        await using var host = await ApiHost.StartAsync();
        (await host.PutAsync("orders", ApiHost.SimpleSpec)).Dispose();
        (await StartAsync(host, "orders", Green)).Dispose();
        var record = (await host.Store.GetConsumerAsync("orders"))!;
        await host.Store.PutConsumerAsync(record.Value with
        {
            Tasks = [new TaskRecord("a", "v1", null, MesosTaskState.Running, ControlPlaneState.Connected), new TaskRecord("b", "v2", null, MesosTaskState.Running, ControlPlaneState.Connected)],
        }, record.Version);
        await host.Store.PutOwnershipAsync("orders", new OwnershipTable(
        [
            new PartitionOwnership("orders", 0, "a", 1, OwnershipState.Owned, 0),
            new PartitionOwnership("orders", 1, "b", 2, OwnershipState.Owned, 10),
            new PartitionOwnership("orders", 2, "b", 2, OwnershipState.Owned, 10),
        ]), StateVersion.New);

        using var response = await host.Client.GetAsync("/api/v1/consumers/orders/deployments");

        var list = await ApiHost.ReadJsonAsync(response);
        var partitions = Assert.Single(list.EnumerateArray()).GetProperty("partitions");
        Assert.Equal(1, partitions.GetProperty("v1").GetInt32());
        Assert.Equal(2, partitions.GetProperty("v2").GetInt32());
    }
}
