using Google.Protobuf;
using Sluice.Proto.Mesos.V1;
using SchedulerCall = Sluice.Proto.Mesos.V1.Scheduler.Call;
using ExecutorCall = Sluice.Proto.Mesos.V1.Executor.Call;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Local.Tests.Mesos.Fuzz;

/// <summary>
/// One valid call of each type, addressed to a live framework (or executor): what the endpoint
/// fuzzers mutate. Offer ids are made up, so no mutation can launch a process.
/// </summary>
internal static class CallSeeds
{
    public static IReadOnlyList<IMessage> Scheduler(string frameworkId, string agentId)
    {
        var framework = new FrameworkID { Value = frameworkId };
        var agent = new AgentID { Value = agentId };
        var task = new TaskInfo
        {
            Name = "fuzz",
            TaskId = new TaskID { Value = "fuzz-task" },
            AgentId = agent,
            Command = new CommandInfo { Value = "true" },
            KillPolicy = new KillPolicy { GracePeriod = new DurationInfo { Nanoseconds = 1_000_000_000 } },
            Resources =
            {
                new Resource { Name = "cpus", Type = Value.Types.Type.Scalar, Scalar = new Value.Types.Scalar { Value = 0.1 } },
                new Resource { Name = "ports", Type = Value.Types.Type.Ranges, Ranges = new Value.Types.Ranges { Range = { new Value.Types.Range { Begin = 31000, End = 31001 } } } },
            },
        };
        var offer = new OfferID { Value = "fuzz-offer-1" };
        return
        [
            new SchedulerCall
            {
                Type = SchedulerCall.Types.Type.Subscribe,
                FrameworkId = framework,
                Subscribe = new SchedulerCall.Types.Subscribe { FrameworkInfo = new FrameworkInfo { User = "", Name = "fuzz", Id = framework, FailoverTimeout = 0 } },
            },
            new SchedulerCall
            {
                Type = SchedulerCall.Types.Type.Accept,
                FrameworkId = framework,
                Accept = new SchedulerCall.Types.Accept
                {
                    OfferIds = { offer },
                    Operations = { new Offer.Types.Operation { Type = Offer.Types.Operation.Types.Type.Launch, Launch = new Offer.Types.Operation.Types.Launch { TaskInfos = { task } } } },
                    Filters = new Filters { RefuseSeconds = 5 },
                },
            },
            new SchedulerCall
            {
                Type = SchedulerCall.Types.Type.Decline,
                FrameworkId = framework,
                Decline = new SchedulerCall.Types.Decline { OfferIds = { offer }, Filters = new Filters { RefuseSeconds = 1 } },
            },
            new SchedulerCall { Type = SchedulerCall.Types.Type.Revive, FrameworkId = framework, Revive = new SchedulerCall.Types.Revive { Roles = { "*" } } },
            new SchedulerCall { Type = SchedulerCall.Types.Type.Suppress, FrameworkId = framework, Suppress = new SchedulerCall.Types.Suppress { Roles = { "*" } } },
            new SchedulerCall
            {
                Type = SchedulerCall.Types.Type.Kill,
                FrameworkId = framework,
                Kill = new SchedulerCall.Types.Kill { TaskId = task.TaskId, AgentId = agent, KillPolicy = task.KillPolicy },
            },
            new SchedulerCall
            {
                Type = SchedulerCall.Types.Type.Shutdown,
                FrameworkId = framework,
                Shutdown = new SchedulerCall.Types.Shutdown { ExecutorId = new ExecutorID { Value = "fuzz-executor" }, AgentId = agent },
            },
            new SchedulerCall
            {
                Type = SchedulerCall.Types.Type.Acknowledge,
                FrameworkId = framework,
                Acknowledge = new SchedulerCall.Types.Acknowledge { AgentId = agent, TaskId = task.TaskId, Uuid = ByteString.CopyFrom(new byte[16]) },
            },
            new SchedulerCall
            {
                Type = SchedulerCall.Types.Type.Reconcile,
                FrameworkId = framework,
                Reconcile = new SchedulerCall.Types.Reconcile { Tasks = { new SchedulerCall.Types.Reconcile.Types.Task { TaskId = task.TaskId, AgentId = agent } } },
            },
            new SchedulerCall
            {
                Type = SchedulerCall.Types.Type.Message,
                FrameworkId = framework,
                Message = new SchedulerCall.Types.Message { AgentId = agent, ExecutorId = new ExecutorID { Value = "fuzz-executor" }, Data = ByteString.CopyFromUtf8("hello") },
            },
            new SchedulerCall { Type = SchedulerCall.Types.Type.Request, FrameworkId = framework },
        ];
    }

    public static IReadOnlyList<IMessage> Executor(string frameworkId, string executorId, string taskId)
    {
        var ids = (Executor: new ExecutorID { Value = executorId }, Framework: new FrameworkID { Value = frameworkId });
        var status = new TaskStatus
        {
            TaskId = new TaskID { Value = taskId },
            State = TaskState.TaskRunning,
            Uuid = ByteString.CopyFrom(Guid.NewGuid().ToByteArray()),
            ExecutorId = ids.Executor,
            Source = TaskStatus.Types.Source.Executor,
            Timestamp = 1_700_000_000,
            Data = ByteString.CopyFromUtf8("{}"),
        };
        var subscribe = new ExecutorCall.Types.Subscribe
        {
            UnacknowledgedTasks = { new TaskInfo { Name = taskId, TaskId = status.TaskId, AgentId = new AgentID { Value = "agent" } } },
            UnacknowledgedUpdates = { new ExecutorCall.Types.Update { Status = status } },
        };
        return
        [
            new ExecutorCall { Type = ExecutorCall.Types.Type.Subscribe, ExecutorId = ids.Executor, FrameworkId = ids.Framework, Subscribe = subscribe },
            new ExecutorCall { Type = ExecutorCall.Types.Type.Update, ExecutorId = ids.Executor, FrameworkId = ids.Framework, Update = new ExecutorCall.Types.Update { Status = status } },
            new ExecutorCall
            {
                Type = ExecutorCall.Types.Type.Message,
                ExecutorId = ids.Executor,
                FrameworkId = ids.Framework,
                Message = new ExecutorCall.Types.Message { Data = ByteString.CopyFromUtf8("hello") },
            },
            new ExecutorCall { Type = ExecutorCall.Types.Type.Heartbeat, ExecutorId = ids.Executor, FrameworkId = ids.Framework },
        ];
    }
}
