using Google.Protobuf;
using Sluice.Proto.Mesos.V1;
using SchedulerEvent = Sluice.Proto.Mesos.V1.Scheduler.Event;
using ExecutorEvent = Sluice.Proto.Mesos.V1.Executor.Event;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Mesos.Tests.Fuzz;

/// <summary>One valid event of each type a master or agent sends: what the fuzzers mutate.</summary>
internal static class EventSeeds
{
    private static readonly AgentID Agent = new() { Value = "agent-S1" };

    public static IReadOnlyList<IMessage> Scheduler(SchedulerEvent subscribed)
    {
        var offer = new Offer
        {
            Id = new OfferID { Value = "offer-1" },
            FrameworkId = new FrameworkID { Value = "fw-0001" },
            AgentId = Agent,
            Hostname = "agent-1",
        };
        offer.Resources.Add(new Resource { Name = "cpus", Type = Value.Types.Type.Scalar, Scalar = new Value.Types.Scalar { Value = 4 } });
        offer.Resources.Add(new Resource
        {
            Name = "ports",
            Type = Value.Types.Type.Ranges,
            Ranges = new Value.Types.Ranges { Range = { new Value.Types.Range { Begin = 31000, End = 32000 } } },
        });
        offer.Attributes.Add(new Sluice.Proto.Mesos.V1.Attribute { Name = "rack", Type = Value.Types.Type.Text, Text = new Value.Types.Text { Value = "a" } });
        return
        [
            subscribed,
            new SchedulerEvent { Type = SchedulerEvent.Types.Type.Offers, Offers = new SchedulerEvent.Types.Offers { Offers_ = { offer } } },
            new SchedulerEvent { Type = SchedulerEvent.Types.Type.Rescind, Rescind = new SchedulerEvent.Types.Rescind { OfferId = offer.Id } },
            new SchedulerEvent { Type = SchedulerEvent.Types.Type.Update, Update = new SchedulerEvent.Types.Update { Status = Status() } },
            new SchedulerEvent
            {
                Type = SchedulerEvent.Types.Type.Message,
                Message = new SchedulerEvent.Types.Message { AgentId = Agent, ExecutorId = new ExecutorID { Value = "exec-1" }, Data = ByteString.CopyFromUtf8("hello") },
            },
            new SchedulerEvent { Type = SchedulerEvent.Types.Type.Failure, Failure = new SchedulerEvent.Types.Failure { AgentId = Agent, Status = 137 } },
            new SchedulerEvent { Type = SchedulerEvent.Types.Type.Error, Error = new SchedulerEvent.Types.Error { Message = "Framework failed over" } },
            new SchedulerEvent { Type = SchedulerEvent.Types.Type.Heartbeat },
        ];
    }

    public static IReadOnlyList<IMessage> Executor(ExecutorEvent subscribed) =>
    [
        subscribed,
        new ExecutorEvent
        {
            Type = ExecutorEvent.Types.Type.Launch,
            Launch = new ExecutorEvent.Types.Launch { Task = new TaskInfo { Name = "t-1", TaskId = new TaskID { Value = "t-1" }, AgentId = Agent, Data = ByteString.CopyFromUtf8("{}") } },
        },
        new ExecutorEvent
        {
            Type = ExecutorEvent.Types.Type.LaunchGroup,
            LaunchGroup = new ExecutorEvent.Types.LaunchGroup
            {
                TaskGroup = new TaskGroupInfo { Tasks = { new TaskInfo { Name = "g-1", TaskId = new TaskID { Value = "g-1" }, AgentId = Agent } } },
            },
        },
        new ExecutorEvent { Type = ExecutorEvent.Types.Type.Kill, Kill = new ExecutorEvent.Types.Kill { TaskId = new TaskID { Value = "t-1" } } },
        new ExecutorEvent
        {
            Type = ExecutorEvent.Types.Type.Acknowledged,
            Acknowledged = new ExecutorEvent.Types.Acknowledged { TaskId = new TaskID { Value = "t-1" }, Uuid = ByteString.CopyFrom(new byte[16]) },
        },
        new ExecutorEvent { Type = ExecutorEvent.Types.Type.Message, Message = new ExecutorEvent.Types.Message { Data = ByteString.CopyFromUtf8("hi") } },
        new ExecutorEvent { Type = ExecutorEvent.Types.Type.Error, Error = new ExecutorEvent.Types.Error { Message = "bad" } },
        new ExecutorEvent { Type = ExecutorEvent.Types.Type.Shutdown },
        new ExecutorEvent { Type = ExecutorEvent.Types.Type.Heartbeat },
    ];

    private static TaskStatus Status() => new()
    {
        TaskId = new TaskID { Value = "t-1" },
        State = TaskState.TaskRunning,
        AgentId = Agent,
        Uuid = ByteString.CopyFrom(new byte[16]),
        Timestamp = 1_700_000_000.5,
        Message = "running",
        Data = ByteString.CopyFromUtf8("{\"progress\":1}"),
    };
}
