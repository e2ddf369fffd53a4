using System.Collections.Concurrent;
using Confluent.Kafka;
using Sluice.Executor.Handlers;
using Sluice.Integration.Tests.Handover;
using Sluice.Local.Mesos;
using Sluice.Mesos.Scheduler;
using Sluice.Proto.ControlPlane.V1;
using Sluice.Proto.Mesos.V1;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.Planning;
using Sluice.Testing;
using Sluice.Testing.Kafka;
using Xunit.Abstractions;
using MesosTaskState = Sluice.Proto.Mesos.V1.TaskState;

namespace Sluice.Integration.Tests.Executor;

/// <summary>
/// The real executor process, launched by the local Mesos agent from a scheduler's ACCEPT: it
/// subscribes to the agent, consumes its initial assignment, connects to the control plane,
/// answers a release, and stops cleanly on KILL.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class ExecutorProcessTests(KafkaFixture kafka, ITestOutputHelper output) : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("sluice-executor-e2e-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public async Task An_executor_launched_by_the_agent_consumes_hands_over_and_stops_cleanly_on_kill()
    {
        const int records = 300;
        var topic = await kafka.CreateTopicAsync("executor-e2e", 3);
        Produce(topic, records);
        await using var controlPlane = await ControlPlaneHost.StartAsync(new ControlPlaneOptions { ProgressInterval = TimeSpan.FromMilliseconds(200), Secret = "fw-secret" });
        await using var world = await ExecutorLaunches.StartWorldAsync();
        await using var mesos = ExecutorLaunches.Framework(world, "sluice-e2e");
        const string taskId = "orders.v1.0001";
        var data = new TaskData
        {
            ControlPlaneAddress = controlPlane.Address,
            Consumer = "orders",
            Version = "v1",
            AuthSecret = "fw-secret",
            Kafka = ExecutorLaunches.Kafka(kafka),
            Handler = new HandlerSpec { Type = "sluice:record", Settings = { ["output"] = _output } },
            Worker = new WorkerSettings { MaxInFlight = 4, CommitIntervalMs = 100 },
            LeaseTimeoutMs = 15_000,
        };
        data.Assignments.AddRange(Enumerable.Range(0, 3).Select(p => new InitialAssignment { Topic = topic, Partition = p, Epoch = 1, StartOffset = 0 }));

        var states = new ConcurrentQueue<MesosTaskState>();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var driver = DriveAsync(mesos, states, taskId, data, stop.Token);

        await Eventually.TrueAsync(() => states.Contains(MesosTaskState.TaskRunning), TimeSpan.FromSeconds(60), "the task reports RUNNING");
        await Eventually.TrueAsync(() => controlPlane.Registry.IsConnected(taskId), TimeSpan.FromSeconds(30), "the executor connects to the control plane");
        await Eventually.TrueAsync(() => ProcessedRecord.ReadAll(_output).Count >= records, TimeSpan.FromSeconds(60), $"all {records} records are processed");

        var session = controlPlane.Registry.Find(taskId)!;
        var released = await session.ReleaseAsync(new PartitionKey(topic, 0), epoch: 1, TimeSpan.FromSeconds(10), stop.Token);
        Assert.True(released.Clean);
        Assert.Equal(records / 3, released.NextOffset);

        await mesos.CallAsync(SchedulerCalls.Kill(new TaskID { Value = taskId }, new AgentID { Value = world.Agents[0].Id }), stop.Token);
        await Eventually.TrueAsync(() => states.Contains(MesosTaskState.TaskKilled), TimeSpan.FromSeconds(30), "KILL ends the task as TASK_KILLED");
        await stop.CancelAsync();
        await driver.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);

        var processed = ProcessedRecord.ReadAll(_output);
        Assert.Equal(records, processed.Count);
        Assert.Equal(records, processed.Select(r => (r.Partition, r.Offset)).Distinct().Count());
        Assert.All(processed, r => Assert.Equal((taskId, "v1"), (r.TaskId, r.Version)));
        output.WriteLine($"task states: {string.Join(" → ", states)}");
    }

    [Fact]
    public async Task A_task_whose_data_names_an_unknown_handler_fails_with_the_reason()
    {
        await using var controlPlane = await ControlPlaneHost.StartAsync(new ControlPlaneOptions());
        await using var world = await ExecutorLaunches.StartWorldAsync();
        await using var mesos = ExecutorLaunches.Framework(world, "sluice-e2e-bad");
        var data = new TaskData
        {
            ControlPlaneAddress = controlPlane.Address,
            Consumer = "orders",
            Version = "v1",
            Kafka = new KafkaSettings { BootstrapServers = kafka.BootstrapServers, GroupId = "g" },
            Handler = new HandlerSpec { Type = "sluice:does-not-exist" },
        };
        var statuses = new ConcurrentQueue<MesosTaskState>();
        var messages = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var driver = DriveAsync(mesos, statuses, "bad.v1.0001", data, stop.Token, messages);

        await Eventually.TrueAsync(() => statuses.Contains(MesosTaskState.TaskFailed), TimeSpan.FromSeconds(60), "the task fails");
        await stop.CancelAsync();
        await driver.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);

        Assert.Contains(messages, m => m.Contains("Unknown built-in handler 'sluice:does-not-exist'", StringComparison.Ordinal));
    }

    private static Task DriveAsync(MesosSchedulerClient mesos, ConcurrentQueue<MesosTaskState> states, string taskId, TaskData data,
        CancellationToken cancellationToken, ConcurrentQueue<string>? messages = null) =>
        ExecutorLaunches.DriveAsync(mesos, [(taskId, data)], status =>
        {
            if (status.TaskId.Value != taskId)
            {
                return;
            }
            states.Enqueue(status.State);
            if (status.HasMessage)
            {
                messages?.Enqueue(status.Message);
            }
        }, cancellationToken);

    private void Produce(string topic, int count)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        for (var i = 0; i < count; i++)
        {
            producer.Produce(new TopicPartition(topic, i % 3), new Message<string, string> { Key = $"k{i}", Value = $"v{i}" });
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }
}
