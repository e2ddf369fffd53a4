using Google.Protobuf;
using Sluice.Local.Mesos;
using Sluice.Mesos.Scheduler;
using Sluice.Proto.ControlPlane.V1;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Scheduler;
using Sluice.Testing;
using Sluice.Testing.Kafka;
using Sluice.Testing.Mesos;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Integration.Tests.Executor;

/// <summary>
/// A minimal framework for tests of the real executor process on the local Mesos world: launches executor tasks
/// (each in an executor of its own, named after the task, as the scheduler does) on the first offer, declines
/// the rest, reports and acknowledges every status update.
/// </summary>
internal static class ExecutorLaunches
{
    /// <summary>A local Mesos world of one agent, whose executors are real processes.</summary>
    public static Task<LocalMesosWorld> StartWorldAsync() => LocalMesosWorld.StartAsync(new LocalMesosOptions { HeartbeatInterval = TimeSpan.FromSeconds(1) });

    /// <summary>A framework's scheduler client of <paramref name="world"/>'s master (not subscribed yet: <see cref="DriveAsync"/> does).</summary>
    public static MesosSchedulerClient Framework(LocalMesosWorld world, string name) =>
        new MesosSchedulerClientBuilder(new FrameworkInfo { User = "", Name = name, FailoverTimeout = 60 }).UseMasters(world.MasterUrl).Build();

    /// <summary>Kafka settings of a task on the test cluster: a fresh group, the mock's short fetch wait.</summary>
    public static KafkaSettings Kafka(KafkaFixture kafka, params string[] topics) => new()
    {
        BootstrapServers = kafka.BootstrapServers,
        GroupId = "orders-" + Guid.NewGuid().ToString("N"),
        Topics = { topics },
        ConsumerConfig = { ["fetch.wait.max.ms"] = kafka.FetchWaitMaxMs.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };

    public static async Task DriveAsync(MesosSchedulerClient mesos, IReadOnlyList<(string TaskId, TaskData Data)> tasks, Action<TaskStatus> onUpdate,
        CancellationToken cancellationToken)
    {
        var launched = false;
        await foreach (var e in mesos.SubscribeAsync(cancellationToken))
        {
            if (e.Type == Event.Types.Type.Offers)
            {
                foreach (var offer in e.Offers.Offers_)
                {
                    if (!launched)
                    {
                        launched = true;
                        var launch = SchedulerCalls.Launch(tasks.Select(t => ExecutorTask(offer, t.TaskId, t.Data)));
                        await mesos.CallAsync(SchedulerCalls.Accept([offer.Id], [launch]), cancellationToken);
                    }
                    else
                    {
                        await mesos.CallAsync(SchedulerCalls.Decline([offer.Id], TimeSpan.FromSeconds(60)), cancellationToken);
                    }
                }
            }
            else if (e.Type == Event.Types.Type.Update)
            {
                onUpdate(e.Update.Status);
                if (SchedulerCalls.Acknowledge(e.Update.Status) is { } ack)
                {
                    await mesos.CallAsync(ack, cancellationToken);
                }
            }
        }
    }

    private static TaskInfo ExecutorTask(Offer offer, string taskId, TaskData data)
    {
        var executor = new ExecutorInfo
        {
            Type = ExecutorInfo.Types.Type.Custom,
            ExecutorId = new ExecutorID { Value = taskId },
            Name = "sluice executor",
            Command = MesosTestTasks.DotnetCommand(ExecutorDll),
        };
        executor.Resources.Add(MesosTestTasks.Scalar("cpus", 0.1));
        executor.Resources.Add(MesosTestTasks.Scalar("mem", 64));
        var task = new TaskInfo
        {
            Name = taskId,
            TaskId = new TaskID { Value = taskId },
            AgentId = offer.AgentId,
            Executor = executor,
            Data = data.ToByteString(),
        };
        task.Resources.Add(MesosTestTasks.Scalar("cpus", 0.5));
        task.Resources.Add(MesosTestTasks.Scalar("mem", 256));
        return task;
    }

    /// <summary>The executor's build output (the project reference builds it; its runtimeconfig is beside it there).</summary>
    private static string ExecutorDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var dll = RepositoryRoot.Combine("executor", "bin", configuration, "net10.0", "sluice-executor.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the executor first: {dll} is missing.");
        }
    }
}
