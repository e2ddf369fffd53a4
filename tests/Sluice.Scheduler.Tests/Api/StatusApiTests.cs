using System.Net;
using Sluice.Proto.ControlPlane.V1;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Tests.Api;

public sealed class StatusApiTests
{
    [Fact]
    public async Task Status_ShowsTasks_OwnershipFromTheTable_AndLiveProgress()
    {
        await using var host = await ApiHost.StartAsync();
        (await host.PutAsync("orders", ApiHost.SimpleSpec)).Dispose();
        var record = (await host.Store.GetConsumerAsync("orders"))!;
        await host.Store.PutConsumerAsync(record.Value with
        {
            Tasks =
            [
                new TaskRecord("task-1", "v1", "agent-a", MesosTaskState.Running, ControlPlaneState.Ready),
                new TaskRecord("task-2", "v1", null, MesosTaskState.Staging, ControlPlaneState.NotConnected),
            ],
        }, record.Version);
        await host.Store.PutOwnershipAsync("orders", new OwnershipTable(
        [
            new PartitionOwnership("orders", 1, "task-2", 3, OwnershipState.Releasing, null),
            new PartitionOwnership("orders", 0, "task-1", 7, OwnershipState.Owned, 1200),
        ]), StateVersion.New);
        var session = new ExecutorSession(new Hello { TaskId = "task-1", Consumer = "orders", Version = "v1", ExecutorId = "e1" }, TimeProvider.System);
        host.Registry.Register(session);
        var progress = new Progress();
        progress.Partitions.Add(new PartitionProgress { Topic = "orders", Partition = 0, Epoch = 7, CommittedOffset = 1500, Lag = 42 });
        session.Receive(new ExecutorMessage { Progress = progress });
        using var scale = await host.ScaleAsync("orders", 2);

        using var response = await host.Client.GetAsync("/api/v1/consumers/orders/status");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = await ApiHost.ReadJsonAsync(response);
        Assert.Equal(2, status.GetProperty("desiredInstances").GetInt32());
        Assert.Equal(1, status.GetProperty("runningTasks").GetInt32());
        var tasks = status.GetProperty("tasks").EnumerateArray().ToArray();
        Assert.Equal("running", tasks[0].GetProperty("mesosState").GetString());
        Assert.True(tasks[0].GetProperty("connected").GetBoolean());
        Assert.False(tasks[1].GetProperty("connected").GetBoolean());
        var partitions = status.GetProperty("partitions").EnumerateArray().ToArray();
        Assert.Equal(2, partitions.Length);
        Assert.Equal(0, partitions[0].GetProperty("partition").GetInt32());
        Assert.Equal("task-1", partitions[0].GetProperty("owner").GetString());
        Assert.Equal(7, partitions[0].GetProperty("epoch").GetInt64());
        Assert.Equal("owned", partitions[0].GetProperty("state").GetString());
        Assert.Equal(1200, partitions[0].GetProperty("startOffset").GetInt64());
        Assert.Equal(1500, partitions[0].GetProperty("committedOffset").GetInt64());
        Assert.Equal(42, partitions[0].GetProperty("lag").GetInt64());
        Assert.Equal("releasing", partitions[1].GetProperty("state").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, partitions[1].GetProperty("committedOffset").ValueKind);
        var operation = Assert.Single(status.GetProperty("operations").EnumerateArray());
        Assert.Equal("scale", operation.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Status_UnknownConsumer_404()
    {
        await using var host = await ApiHost.StartAsync();
        using var response = await host.Client.GetAsync("/api/v1/consumers/ghost/status");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
