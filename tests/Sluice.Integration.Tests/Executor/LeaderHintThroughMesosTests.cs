using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Integration.Tests.Handover;
using Sluice.Local.Mesos;
using Sluice.Mesos.Scheduler;
using Sluice.Proto.ControlPlane.V1;
using Sluice.Proto.Mesos.V1;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.Engine;
using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;
using Sluice.Testing;
using Sluice.Testing.Kafka;
using Xunit.Abstractions;
using TaskState = Sluice.Proto.Mesos.V1.TaskState;

namespace Sluice.Integration.Tests.Executor;

/// <summary>
/// A leader hint end to end: the scheduler's <see cref="LeaderHints"/> sends MESSAGE calls to the real local Mesos
/// master, whose agent hands them to real executor processes. An executor whose control-plane address is dead (its
/// leader died) switches to the hinted one and connects; one already connected gets no hint; garbage sent the same
/// way is dropped with a warning and the executor carries on.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class LeaderHintThroughMesosTests(KafkaFixture kafka, ITestOutputHelper output)
{
    private const string Stuck = "orders.v1.stuck";
    private const string Connected = "orders.v1.connected";
    private static readonly TimeSpan HintInterval = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task A_hint_through_Mesos_brings_an_executor_stuck_on_a_dead_address_to_the_leader_and_none_goes_to_a_connected_one()
    {
        var topic = await kafka.CreateTopicAsync("leader-hint", 1);
        await using var leader = await ControlPlaneHost.StartAsync(new ControlPlaneOptions { Secret = "fw-secret", SchedulerId = "new-leader" });
        await using var world = await ExecutorLaunches.StartWorldAsync();
        await using var mesos = ExecutorLaunches.Framework(world, "sluice-leader-hint");
        var running = new ConcurrentDictionary<string, TaskState>(StringComparer.Ordinal);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        // The stuck executor's leader died: port 1 answers nothing, and only a hint can tell it where to go.
        var driver = ExecutorLaunches.DriveAsync(mesos, [(Stuck, Data(topic, "127.0.0.1:1")), (Connected, Data(topic, leader.Address))],
            status => running[status.TaskId.Value] = status.State, stop.Token);

        await Eventually.TrueAsync(() => running.Count(t => t.Value == TaskState.TaskRunning) == 2, TimeSpan.FromSeconds(90), "both tasks report RUNNING");
        await Eventually.TrueAsync(() => leader.Registry.IsConnected(Connected), TimeSpan.FromSeconds(30), "the second executor connects by itself");
        Assert.False(leader.Registry.IsConnected(Stuck));

        // Bad input first, the way a hint comes: the executor must shrug it off.
        var agent = new AgentID { Value = world.Agents[0].Id };
        await mesos.CallAsync(SchedulerCalls.Message(agent, new ExecutorID { Value = Stuck }, ByteString.CopyFromUtf8("not a hint")), stop.Token);
        await Eventually.TrueAsync(() => ExecutorLog(world, Stuck).Contains("ignoring a message from the scheduler", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the executor logs the garbage as ignored");

        var book = new TaskBook(new MemoryStateStore(), leader.Registry, TimeProvider.System);
        foreach (var taskId in new[] { Stuck, Connected })
        {
            book.Add(new TrackedTask(taskId, "orders", "v1", agent.Value, MesosTaskState.Running, TimeProvider.System.GetTimestamp()));
        }
        var hints = new LeaderHints(book, leader.Registry, new LeaderHint { ControlPlaneAddress = leader.Address, SchedulerId = "new-leader", Term = 7 },
            new EngineOptions { LeaderHintInterval = HintInterval }, TimeProvider.System, NullLogger<LeaderHints>.Instance);
        var sent = new ConcurrentQueue<string>();
        using var hinting = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        var loop = hints.RunAsync(() => mesos.State is SchedulerConnectionState.Subscribed, async (call, token) =>
        {
            sent.Enqueue(call.Message.ExecutorId.Value);
            await mesos.CallAsync(call, token);
        }, hinting.Token);

        await Eventually.TrueAsync(() => leader.Registry.IsConnected(Stuck), TimeSpan.FromSeconds(30), "the stuck executor follows the hint to the leader");
        await Task.Delay(HintInterval);
        var afterConnect = sent.Count;
        await Task.Delay(HintInterval * 4);
        await hinting.CancelAsync();
        await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);

        output.WriteLine($"hints sent: {string.Join(", ", sent)}");
        Assert.Contains(Stuck, sent);
        Assert.DoesNotContain(Connected, sent);
        Assert.Equal(afterConnect, sent.Count);
        Assert.Contains("leader hint: scheduler new-leader (term 7)", ExecutorLog(world, Stuck), StringComparison.Ordinal);
        Assert.All(running.Values, state => Assert.Equal(TaskState.TaskRunning, state));

        await stop.CancelAsync();
        await driver.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    private TaskData Data(string topic, string controlPlane) => new()
    {
        ControlPlaneAddress = controlPlane,
        Consumer = "orders",
        Version = "v1",
        AuthSecret = "fw-secret",
        Kafka = ExecutorLaunches.Kafka(kafka, topic),
        Handler = new HandlerSpec { Type = "sluice:noop" },
        LeaseTimeoutMs = 60_000,
    };

    /// <summary>What the executor of <paramref name="executorId"/> wrote to stdout, from its sandbox.</summary>
    private static string ExecutorLog(LocalMesosWorld world, string executorId) =>
        string.Concat(Directory.EnumerateFiles(world.WorkDirectory, "stdout", SearchOption.AllDirectories)
            .Where(path => path.Contains($"/executors/{executorId}/", StringComparison.Ordinal))
            .Select(path =>
            {
                using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
                return reader.ReadToEnd();
            }));
}
