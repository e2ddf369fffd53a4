using System.Text;
using Google.Protobuf;
using Sluice.Mesos.Executor;
using Sluice.Mesos.RecordIO;
using Sluice.Mesos.Tests.Support;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Executor;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Mesos.Tests.Executor;

/// <summary>The executor client against a scripted agent on real loopback sockets.</summary>
public sealed class ExecutorClientTests
{
    private readonly StateRecorder<ExecutorConnectionState> _states = new();

    private MesosExecutorClient Client(Uri agent, bool checkpoint, TimeSpan? recoveryTimeout = null) =>
        new MesosExecutorClientBuilder(new ExecutorEnvironment(
                agent,
                FrameworkId: "fw-1",
                ExecutorId: "exec-1",
                Sandbox: "/tmp/sandbox",
                Directory: null,
                Checkpoint: checkpoint,
                RecoveryTimeout: recoveryTimeout ?? TimeSpan.FromSeconds(10),
                SubscriptionBackoffMax: TimeSpan.FromMilliseconds(100),
                ShutdownGracePeriod: TimeSpan.FromSeconds(3),
                AuthenticationToken: "jwt-token"))
            .WithInitialBackoff(TimeSpan.FromMilliseconds(10))
            .WithCallTimeout(TimeSpan.FromSeconds(5))
            .OnConnectionStateChanged(_states.Record)
            .Build();

    private static TaskStatus Running(string taskId) => new() { TaskId = new TaskID { Value = taskId }, State = TaskState.TaskRunning };

    [Fact]
    public async Task Subscribe_SendsExecutorAndFrameworkIds_AndYieldsTheAgentsEvents()
    {
        await using var agent = await ScriptedAgent.StartAsync();
        await using var client = Client(agent.Server.BaseUrl, checkpoint: true);
        await using var events = new EventPump<Event>(client.SubscribeAsync);
        var stream = await agent.NextStreamAsync("the SUBSCRIBE stream");

        await stream.SendAsync(ScriptedAgent.Launch("t-1"));
        await stream.SendAsync(new Event { Type = Event.Types.Type.Kill, Kill = new Event.Types.Kill { TaskId = new TaskID { Value = "t-1" } } });
        await stream.SendAsync(new Event { Type = Event.Types.Type.Message, Message = new Event.Types.Message { Data = ByteString.CopyFromUtf8("hi") } });
        await stream.SendAsync(new Event { Type = Event.Types.Type.Heartbeat });
        await stream.SendAsync(new Event { Type = Event.Types.Type.Shutdown });

        var types = new List<Event.Types.Type>();
        for (int i = 0; i < 6; i++)
        {
            types.Add((await events.NextAsync($"event {i}")).Type);
        }

        Assert.Equal(
            [Event.Types.Type.Subscribed, Event.Types.Type.Launch, Event.Types.Type.Kill, Event.Types.Type.Message, Event.Types.Type.Heartbeat, Event.Types.Type.Shutdown],
            types);
        var subscribe = Assert.Single(agent.Subscribes);
        Assert.Equal("exec-1", subscribe.ExecutorId.Value);
        Assert.Equal("fw-1", subscribe.FrameworkId.Value);
        Assert.Empty(subscribe.Subscribe.UnacknowledgedTasks);
        Assert.Empty(subscribe.Subscribe.UnacknowledgedUpdates);
        var request = Assert.Single(agent.Server.Requests);
        Assert.Equal("/api/v1/executor", request.Path);
        Assert.Equal("Bearer jwt-token", request.Authorization);
        Assert.Null(request.StreamId);
        Assert.Equal(TimeSpan.FromSeconds(3), client.ShutdownGracePeriod);
    }

    [Fact]
    public async Task SendUpdate_FillsUuidTimestampSourceAndIds()
    {
        await using var agent = await ScriptedAgent.StartAsync();
        await using var client = Client(agent.Server.BaseUrl, checkpoint: true);
        await using var events = new EventPump<Event>(client.SubscribeAsync);
        await _states.NextAsync<ExecutorConnectionState.Subscribed>("subscription");
        double before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

        var first = await client.SendUpdateAsync(Running("t-1"), Bounded.Deadline());
        var second = await client.SendUpdateAsync(Running("t-1"), Bounded.Deadline());

        var updates = agent.Updates.ToList();
        Assert.Equal(2, updates.Count);
        var status = updates[0].Update.Status;
        Assert.Equal(16, status.Uuid.Length);
        Assert.Equal(first, status.Uuid);
        Assert.NotEqual(first, second);
        Assert.Equal(TaskStatus.Types.Source.Executor, status.Source);
        Assert.Equal("exec-1", status.ExecutorId.Value);
        Assert.Equal(ScriptedAgent.AgentIdValue, status.AgentId.Value);
        Assert.InRange(status.Timestamp, before - 1, before + 60);
        Assert.Equal("exec-1", updates[0].ExecutorId.Value);
        Assert.Equal("fw-1", updates[0].FrameworkId.Value);
        Assert.Equal(2, client.UnacknowledgedUpdates.Count);
    }

    [Fact]
    public async Task Update_NotAcknowledged_IsResentOnResubscribeUntilAcknowledged()
    {
        await using var agent = await ScriptedAgent.StartAsync();
        await using var client = Client(agent.Server.BaseUrl, checkpoint: true);
        await using var events = new EventPump<Event>(client.SubscribeAsync);
        var stream1 = await agent.NextStreamAsync("first stream");
        await stream1.SendAsync(ScriptedAgent.Launch("t-1"));
        await events.NextAsync(e => e.Type == Event.Types.Type.Launch, "LAUNCH");
        var uuid = await client.SendUpdateAsync(Running("t-1"), Bounded.Deadline());

        // The agent restarts before acknowledging: the update and the task travel in SUBSCRIBE.
        stream1.Close();
        var stream2 = await agent.NextStreamAsync("second stream");
        var resubscribe = agent.Subscribes.ElementAt(1).Subscribe;
        Assert.Equal(uuid, Assert.Single(resubscribe.UnacknowledgedUpdates).Status.Uuid);
        Assert.Equal("t-1", Assert.Single(resubscribe.UnacknowledgedTasks).TaskId.Value);

        // Still not acknowledged: sent again on the next re-subscription too.
        stream2.Close();
        var stream3 = await agent.NextStreamAsync("third stream");
        Assert.Equal(uuid, Assert.Single(agent.Subscribes.ElementAt(2).Subscribe.UnacknowledgedUpdates).Status.Uuid);

        // Acknowledged: dropped from the lists, and absent from the next SUBSCRIBE.
        await stream3.SendAsync(ScriptedAgent.Acknowledged(new TaskID { Value = "t-1" }, uuid));
        await events.NextAsync(e => e.Type == Event.Types.Type.Acknowledged, "ACKNOWLEDGED");
        Assert.Empty(client.UnacknowledgedUpdates);
        Assert.Empty(client.UnacknowledgedTasks);
        stream3.Close();
        await agent.NextStreamAsync("fourth stream");
        var last = agent.Subscribes.ElementAt(3).Subscribe;
        Assert.Empty(last.UnacknowledgedUpdates);
        Assert.Empty(last.UnacknowledgedTasks);
    }

    [Fact]
    public async Task SendUpdate_WhileDisconnected_IsKeptAndDeliveredInTheNextSubscribe()
    {
        await using var agent = await ScriptedAgent.StartAsync();
        await using var client = Client(agent.Server.BaseUrl, checkpoint: true);

        var uuid = await client.SendUpdateAsync(Running("t-9"), Bounded.Deadline());
        await using var events = new EventPump<Event>(client.SubscribeAsync);
        await agent.NextStreamAsync("the stream");

        Assert.Empty(agent.Updates);
        Assert.Equal(uuid, Assert.Single(Assert.Single(agent.Subscribes).Subscribe.UnacknowledgedUpdates).Status.Uuid);
    }

    [Fact]
    public async Task Disconnect_WithoutCheckpoint_EndsTheEventsSoTheExecutorExits()
    {
        await using var agent = await ScriptedAgent.StartAsync();
        await using var client = Client(agent.Server.BaseUrl, checkpoint: false);
        await using var events = new EventPump<Event>(client.SubscribeAsync);

        (await agent.NextStreamAsync("the stream")).Close();
        await Bounded.WithinAsync(events.Completion, "the end of the event sequence");

        var final = Assert.IsType<ExecutorConnectionState.Disconnected>(client.State);
        Assert.False(final.WillResubscribe);
        Assert.Single(agent.Subscribes);
    }

    [Fact]
    public async Task Disconnect_WithCheckpoint_RetriesThenGivesUpAfterTheRecoveryTimeout()
    {
        var agent = await ScriptedAgent.StartAsync();
        await using var client = Client(agent.Server.BaseUrl, checkpoint: true, recoveryTimeout: TimeSpan.FromSeconds(1));
        await using var events = new EventPump<Event>(client.SubscribeAsync);
        await agent.NextStreamAsync("the stream");

        // The agent goes away for good.
        await agent.DisposeAsync();
        await Bounded.WithinAsync(events.Completion, "giving up");

        var final = Assert.IsType<ExecutorConnectionState.Disconnected>(client.State);
        Assert.False(final.WillResubscribe);
        Assert.Contains("recovery timeout", final.Reason);
        Assert.Contains(_states.All, s => s is ExecutorConnectionState.Disconnected { WillResubscribe: true });
    }

    [Fact]
    public async Task Subscribe_MalformedRecordIOFromTheAgent_ReportsAndResubscribes()
    {
        await using var agent = await ScriptedAgent.StartAsync();
        await using var client = Client(agent.Server.BaseUrl, checkpoint: true);
        await using var events = new EventPump<Event>(client.SubscribeAsync);
        var stream = await agent.NextStreamAsync("the stream");

        await stream.SendRawAsync(Encoding.ASCII.GetBytes("nope\n"));
        var disconnected = await _states.NextAsync<ExecutorConnectionState.Disconnected>("the malformed stream");
        await agent.NextStreamAsync("the re-subscription");

        Assert.IsType<RecordIOException>(disconnected.Error);
        Assert.True(disconnected.WillResubscribe);
    }

    [Fact]
    public async Task SendUpdate_StagingOrNoTaskId_IsRejected()
    {
        await using var client = Client(new Uri("http://127.0.0.1:9/"), checkpoint: true);

        await Assert.ThrowsAsync<ArgumentException>(() => client.SendUpdateAsync(new TaskStatus { TaskId = new TaskID { Value = "t" }, State = TaskState.TaskStaging }, default));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SendUpdateAsync(new TaskStatus { State = TaskState.TaskRunning }, default));
    }

    [Fact]
    public async Task SendMessage_PostsMessageWithTheData()
    {
        await using var agent = await ScriptedAgent.StartAsync();
        await using var client = Client(agent.Server.BaseUrl, checkpoint: true);
        await using var events = new EventPump<Event>(client.SubscribeAsync);
        await _states.NextAsync<ExecutorConnectionState.Subscribed>("subscription");

        await client.SendMessageAsync(ByteString.CopyFromUtf8("progress"), Bounded.Deadline());

        var message = Assert.Single(agent.Calls, c => c.Type == Call.Types.Type.Message);
        Assert.Equal("progress", message.Message.Data.ToStringUtf8());
        Assert.Equal("exec-1", message.ExecutorId.Value);
    }

    [Fact]
    public async Task LaunchGroup_EveryTaskIsKeptUntilOneOfItsUpdatesIsAcknowledged()
    {
        await using var agent = await ScriptedAgent.StartAsync();
        await using var client = Client(agent.Server.BaseUrl, checkpoint: true);
        await using var events = new EventPump<Event>(client.SubscribeAsync);
        var stream = await agent.NextStreamAsync("the stream");
        var group = new TaskGroupInfo
        {
            Tasks =
            {
                ScriptedAgent.Launch("g-1").Launch.Task,
                ScriptedAgent.Launch("g-2").Launch.Task,
            },
        };

        await stream.SendAsync(new Event { Type = Event.Types.Type.LaunchGroup, LaunchGroup = new Event.Types.LaunchGroup { TaskGroup = group } });
        await events.NextAsync(e => e.Type == Event.Types.Type.LaunchGroup, "LAUNCH_GROUP");
        var uuid = await client.SendUpdateAsync(Running("g-1"), Bounded.Deadline());
        await stream.SendAsync(ScriptedAgent.Acknowledged(new TaskID { Value = "g-1" }, uuid));
        await events.NextAsync(e => e.Type == Event.Types.Type.Acknowledged, "ACKNOWLEDGED");

        Assert.Equal("g-2", Assert.Single(client.UnacknowledgedTasks).TaskId.Value);
        Assert.Empty(client.UnacknowledgedUpdates);
    }
}
