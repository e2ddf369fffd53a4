using Google.Protobuf;
using Sluice.Mesos.Executor;
using Sluice.Mesos.Scheduler;
using Sluice.Proto.Mesos.V1;
using static Sluice.Mesos.Tests.Conformance.MesosSamples;
using ExecutorCall = Sluice.Proto.Mesos.V1.Executor.Call;
using ExecutorEvent = Sluice.Proto.Mesos.V1.Executor.Event;
using SchedulerEvent = Sluice.Proto.Mesos.V1.Scheduler.Event;

namespace Sluice.Mesos.Tests.Conformance;

/// <summary>
/// THE list of Mesos Calls and Events covered by conformance: each is encoded with our types
/// and read by the official schema, and encoded by the official schema and read by ours.
/// Calls are built with the same constructors the clients use.
/// </summary>
public static class ConformanceCases
{
    internal static readonly IReadOnlyList<(string Name, Func<IMessage> Create)> All =
    [
        // Scheduler calls (scheduler.proto Call).
        ("scheduler Call SUBSCRIBE (new framework)", () => SchedulerCalls.Subscribe(Framework(withId: false))),
        ("scheduler Call SUBSCRIBE (failover, suppressed roles)", () => SchedulerCalls.Resubscribe(Framework(withId: false), FrameworkId, "kafka/blue")),
        ("scheduler Call TEARDOWN", () => SchedulerCalls.Teardown().WithFrameworkId(FrameworkId)),
        ("scheduler Call ACCEPT (LAUNCH, filters)", () => SchedulerCalls.Accept(
            [new OfferID { Value = "o-1" }, new OfferID { Value = "o-2" }],
            [SchedulerCalls.Launch(Task("orders.blue.3", DockerContainer()), CommandTask())],
            SchedulerCalls.RefuseFor(TimeSpan.FromSeconds(120.5))).WithFrameworkId(FrameworkId)),
        ("scheduler Call ACCEPT (LAUNCH_GROUP)", () => SchedulerCalls.Accept(
            [new OfferID { Value = "o-3" }],
            [SchedulerCalls.LaunchGroup(CustomExecutor(MesosContainer()), Task("orders.blue.4", MesosContainer()))]).WithFrameworkId(FrameworkId)),
        ("scheduler Call DECLINE (refuse_seconds)", () => SchedulerCalls.Decline([new OfferID { Value = "o-4" }], TimeSpan.FromMinutes(2)).WithFrameworkId(FrameworkId)),
        ("scheduler Call DECLINE (default filter)", () => SchedulerCalls.Decline([new OfferID { Value = "o-5" }]).WithFrameworkId(FrameworkId)),
        ("scheduler Call REVIVE (roles)", () => SchedulerCalls.Revive("kafka", "kafka/blue").WithFrameworkId(FrameworkId)),
        ("scheduler Call REVIVE (all roles)", () => SchedulerCalls.Revive().WithFrameworkId(FrameworkId)),
        ("scheduler Call SUPPRESS", () => SchedulerCalls.Suppress("kafka").WithFrameworkId(FrameworkId)),
        ("scheduler Call KILL (kill policy)", () => SchedulerCalls.Kill(TaskId, AgentId, new KillPolicy { GracePeriod = new DurationInfo { Nanoseconds = 1 } }).WithFrameworkId(FrameworkId)),
        ("scheduler Call SHUTDOWN", () => SchedulerCalls.Shutdown(ExecutorId, AgentId).WithFrameworkId(FrameworkId)),
        ("scheduler Call ACKNOWLEDGE", () => SchedulerCalls.Acknowledge(Status(TaskState.TaskRunning))!.WithFrameworkId(FrameworkId)),
        ("scheduler Call RECONCILE (explicit)", () => SchedulerCalls.Reconcile([(TaskId, AgentId), (new TaskID { Value = "orders.green.1" }, null)]).WithFrameworkId(FrameworkId)),
        ("scheduler Call RECONCILE (implicit)", () => SchedulerCalls.ReconcileAll().WithFrameworkId(FrameworkId)),
        ("scheduler Call MESSAGE", () => SchedulerCalls.Message(AgentId, ExecutorId, Uuid).WithFrameworkId(FrameworkId)),

        // Scheduler events (scheduler.proto Event).
        ("scheduler Event SUBSCRIBED", () => new SchedulerEvent
        {
            Type = SchedulerEvent.Types.Type.Subscribed,
            Subscribed = new SchedulerEvent.Types.Subscribed { FrameworkId = FrameworkId, HeartbeatIntervalSeconds = 15, MasterInfo = Master },
        }),
        ("scheduler Event OFFERS", () => new SchedulerEvent
        {
            Type = SchedulerEvent.Types.Type.Offers,
            Offers = new SchedulerEvent.Types.Offers { Offers_ = { Offer("o-1"), Offer("o-2") } },
        }),
        ("scheduler Event RESCIND", () => new SchedulerEvent
        {
            Type = SchedulerEvent.Types.Type.Rescind,
            Rescind = new SchedulerEvent.Types.Rescind { OfferId = new OfferID { Value = "o-1" } },
        }),
        ("scheduler Event UPDATE (from executor, uuid)", () => new SchedulerEvent
        {
            Type = SchedulerEvent.Types.Type.Update,
            Update = new SchedulerEvent.Types.Update { Status = Status(TaskState.TaskKilling) },
        }),
        ("scheduler Event UPDATE (reconciliation, no uuid)", () => new SchedulerEvent
        {
            Type = SchedulerEvent.Types.Type.Update,
            Update = new SchedulerEvent.Types.Update { Status = ReconciliationStatus() },
        }),
        ("scheduler Event MESSAGE", () => new SchedulerEvent
        {
            Type = SchedulerEvent.Types.Type.Message,
            Message = new SchedulerEvent.Types.Message { AgentId = AgentId, ExecutorId = ExecutorId, Data = Uuid },
        }),
        ("scheduler Event FAILURE", () => new SchedulerEvent
        {
            Type = SchedulerEvent.Types.Type.Failure,
            Failure = new SchedulerEvent.Types.Failure { AgentId = AgentId, ExecutorId = ExecutorId, Status = -9 },
        }),
        ("scheduler Event ERROR", () => new SchedulerEvent
        {
            Type = SchedulerEvent.Types.Type.Error,
            Error = new SchedulerEvent.Types.Error { Message = "Framework failed over" },
        }),
        ("scheduler Event HEARTBEAT", () => new SchedulerEvent { Type = SchedulerEvent.Types.Type.Heartbeat }),

        // Executor calls (executor.proto Call).
        ("executor Call SUBSCRIBE (first start)", () => ExecutorCalls.Subscribe(ExecutorId, FrameworkId)),
        ("executor Call SUBSCRIBE (unacknowledged tasks and updates)", () => ExecutorCalls.Subscribe(
            ExecutorId, FrameworkId, [Task("orders.blue.3", DockerContainer())], [Status(TaskState.TaskStarting), Status(TaskState.TaskRunning)])),
        ("executor Call UPDATE", () => ExecutorCalls.Update(ExecutorId, FrameworkId, Status(TaskState.TaskFinished))),
        ("executor Call MESSAGE", () => ExecutorCalls.Message(ExecutorId, FrameworkId, ByteString.CopyFromUtf8(Awkward))),
        ("executor Call HEARTBEAT (newer than mesos-go's snapshot)", () => ExecutorCalls.Heartbeat(ExecutorId, FrameworkId)),

        // Executor events (executor.proto Event).
        ("executor Event SUBSCRIBED", () => new ExecutorEvent
        {
            Type = ExecutorEvent.Types.Type.Subscribed,
            Subscribed = new ExecutorEvent.Types.Subscribed
            {
                ExecutorInfo = CustomExecutor(DockerContainer()),
                FrameworkInfo = Framework(withId: true),
                AgentInfo = Agent(),
                ContainerId = new ContainerID { Value = "c-1" },
            },
        }),
        ("executor Event LAUNCH", () => new ExecutorEvent
        {
            Type = ExecutorEvent.Types.Type.Launch,
            Launch = new ExecutorEvent.Types.Launch { Task = Task("orders.blue.3", DockerContainer()) },
        }),
        ("executor Event LAUNCH_GROUP", () => new ExecutorEvent
        {
            Type = ExecutorEvent.Types.Type.LaunchGroup,
            LaunchGroup = new ExecutorEvent.Types.LaunchGroup { TaskGroup = new TaskGroupInfo { Tasks = { Task("a", MesosContainer()), CommandTask() } } },
        }),
        ("executor Event KILL", () => new ExecutorEvent
        {
            Type = ExecutorEvent.Types.Type.Kill,
            Kill = new ExecutorEvent.Types.Kill { TaskId = TaskId, KillPolicy = new KillPolicy { GracePeriod = new DurationInfo { Nanoseconds = long.MaxValue } } },
        }),
        ("executor Event ACKNOWLEDGED", () => new ExecutorEvent
        {
            Type = ExecutorEvent.Types.Type.Acknowledged,
            Acknowledged = new ExecutorEvent.Types.Acknowledged { TaskId = TaskId, Uuid = Uuid },
        }),
        ("executor Event MESSAGE", () => new ExecutorEvent
        {
            Type = ExecutorEvent.Types.Type.Message,
            Message = new ExecutorEvent.Types.Message { Data = ByteString.Empty },
        }),
        ("executor Event ERROR", () => new ExecutorEvent
        {
            Type = ExecutorEvent.Types.Type.Error,
            Error = new ExecutorEvent.Types.Error { Message = Awkward },
        }),
        ("executor Event SHUTDOWN", () => new ExecutorEvent { Type = ExecutorEvent.Types.Type.Shutdown }),
        ("executor Event HEARTBEAT (newer than mesos-go's snapshot)", () => new ExecutorEvent { Type = ExecutorEvent.Types.Type.Heartbeat }),
    ];

    public static IEnumerable<object[]> Names => All.Select(c => new object[] { c.Name });

    /// <summary>The cases the official schema can also write (all but the known additions).</summary>
    public static IEnumerable<object[]> NamesKnownToOfficial =>
        All.Where(c => !c.Name.Contains(NewerThanSnapshot, StringComparison.Ordinal)).Select(c => new object[] { c.Name });

    internal const string NewerThanSnapshot = "newer than mesos-go's snapshot";

    internal static IMessage Create(string name) => All.Single(c => c.Name == name).Create();
}
