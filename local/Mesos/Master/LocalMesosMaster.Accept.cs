using Sluice.Proto.Mesos.V1;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;
using Sluice.Proto.Mesos.V1.Scheduler;

namespace Sluice.Local.Mesos.Master;

public sealed partial class LocalMesosMaster
{
    /// <summary>
    /// ACCEPT: the offers are used up (single use); LAUNCH operations run in order against what is
    /// left of them; invalid tasks get TASK_ERROR (REASON_TASK_INVALID, no uuid, as Mesos' master
    /// validation); what is left unused goes back to the agent under the call's filter.
    /// </summary>
    private void Accept(FrameworkRecord framework, Call.Types.Accept accept)
    {
        var offers = new List<OfferRecord>();
        string? invalid = null;
        foreach (var offerId in accept.OfferIds)
        {
            if (TakeOffer(framework, offerId.Value) is { } offer)
            {
                offers.Add(offer);
            }
            else
            {
                invalid ??= $"Offer {offerId.Value} is no longer valid";
            }
        }
        if (offers.Select(o => o.AgentId).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            invalid ??= "Aggregated offers must belong to one single agent";
        }
        if (offers.Count == 0)
        {
            invalid ??= "No offers specified";
        }
        if (invalid is not null)
        {
            // Mesos: every task of an ACCEPT with invalid offers is TASK_DROPPED (partition-aware) or
            // TASK_LOST, with REASON_INVALID_OFFERS; the valid offers' resources go back.
            var state = framework.Has(FrameworkInfo.Types.Capability.Types.Type.PartitionAware) ? TaskState.TaskDropped : TaskState.TaskLost;
            foreach (var task in LaunchedTasks(accept))
            {
                framework.Stream!.Send(UpdateEvent(MasterStatus(task.TaskId, task.AgentId, state,
                    TaskStatus.Types.Reason.InvalidOffers, invalid, null)));
            }
            RequestAllocation();
            return;
        }

        var agentId = offers[0].AgentId;
        var agent = _agents[agentId];
        var remaining = new ResourceBag();
        foreach (var offer in offers)
        {
            remaining.Add(offer.Resources);
        }
        var newExecutors = new Dictionary<string, ExecutorInfo>(StringComparer.Ordinal);
        var acceptedIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in accept.Operations)
        {
            switch (operation.Type)
            {
                case Offer.Types.Operation.Types.Type.Launch when operation.Launch is not null:
                    foreach (var task in operation.Launch.TaskInfos)
                    {
                        var error = ValidateTask(framework, agentId, task, remaining, newExecutors, acceptedIds, out var needed);
                        if (error is not null)
                        {
                            LogTaskInvalid(framework.Id, task.TaskId?.Value ?? "", error);
                            framework.Stream!.Send(UpdateEvent(MasterStatus(task.TaskId ?? new TaskID { Value = "" }, task.AgentId, TaskState.TaskError,
                                TaskStatus.Types.Reason.TaskInvalid, error, task.Executor?.ExecutorId)));
                            continue;
                        }
                        remaining.Subtract(needed);
                        acceptedIds.Add(task.TaskId!.Value);
                        Launch(framework, agent, task, newExecutors);
                    }
                    break;
                case Offer.Types.Operation.Types.Type.LaunchGroup when operation.LaunchGroup is not null:
                    // Deviation: the local agent has no default executor, so task groups are refused.
                    foreach (var task in operation.LaunchGroup.TaskGroup.Tasks)
                    {
                        framework.Stream!.Send(UpdateEvent(MasterStatus(task.TaskId, task.AgentId, TaskState.TaskError,
                            TaskStatus.Types.Reason.TaskGroupInvalid, "LAUNCH_GROUP is not supported by the local Mesos master", null)));
                    }
                    break;
                default:
                    // RESERVE, CREATE and the other operations are not modelled: ignored, the
                    // resources stay unused and go back below.
                    LogOperationIgnored(framework.Id, operation.Type.ToString());
                    break;
            }
        }
        AddFilter(framework, agentId, remaining, accept.Filters);
        RequestAllocation();
    }

    private static IEnumerable<TaskInfo> LaunchedTasks(Call.Types.Accept accept) =>
        accept.Operations.SelectMany(o => o.Type switch
        {
            Offer.Types.Operation.Types.Type.Launch when o.Launch is not null => o.Launch.TaskInfos,
            Offer.Types.Operation.Types.Type.LaunchGroup when o.LaunchGroup is not null => o.LaunchGroup.TaskGroup.Tasks,
            _ => Enumerable.Empty<TaskInfo>(),
        });

    /// <summary>Mesos' master task validation, the parts that matter here; null when valid.</summary>
    private string? ValidateTask(FrameworkRecord framework, string agentId, TaskInfo task, ResourceBag remaining,
        Dictionary<string, ExecutorInfo> newExecutors, HashSet<string> acceptedIds, out ResourceBag needed)
    {
        needed = ResourceBag.From(task.Resources);
        if (task.TaskId is null || string.IsNullOrEmpty(task.TaskId.Value))
        {
            return "Task has no ID";
        }
        if (MesosIds.Validate(task.TaskId.Value) is { } badTaskId)
        {
            return $"Task ID is invalid: {badTaskId}";
        }
        if (ResourceBag.Validate(task.Resources) is { } badResources)
        {
            return $"Task uses invalid resources: {badResources}";
        }
        if (framework.Tasks.ContainsKey(task.TaskId.Value) || acceptedIds.Contains(task.TaskId.Value))
        {
            return $"Task has duplicate ID: {task.TaskId.Value}";
        }
        if (task.AgentId is null || task.AgentId.Value != agentId)
        {
            return $"Task uses invalid agent: {task.AgentId?.Value}";
        }
        if ((task.Executor is null) == (task.Command is null))
        {
            return "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present";
        }
        if (task.Resources.Count == 0)
        {
            return "Task uses no resources";
        }
        if (task.Executor is { } executor)
        {
            if (executor.FrameworkId is not null && executor.FrameworkId.Value != framework.Id)
            {
                return $"ExecutorInfo has an invalid FrameworkID (Actual: {executor.FrameworkId.Value} vs Expected: {framework.Id})";
            }
            if (executor.Type == ExecutorInfo.Types.Type.Default)
            {
                return "ExecutorInfo of type DEFAULT is only allowed with LAUNCH_GROUP";
            }
            if (executor.Command is null)
            {
                return "Executor has no CommandInfo";
            }
            if (MesosIds.Validate(executor.ExecutorId.Value) is { } badExecutorId)
            {
                return $"Executor ID is invalid: {badExecutorId}";
            }
            if (ResourceBag.Validate(executor.Resources) is { } badExecutorResources)
            {
                return $"Executor uses invalid resources: {badExecutorResources}";
            }
            var executorId = executor.ExecutorId.Value;
            ExecutorInfo? running = framework.Executors.TryGetValue((agentId, executorId), out var record) ? record.Info
                : newExecutors.GetValueOrDefault(executorId);
            if (running is not null)
            {
                if (!SameExecutor(running, executor))
                {
                    return $"ExecutorInfo is not compatible with ExecutorInfo of existing executor {executorId}";
                }
            }
            else
            {
                // A new executor's resources come out of the same offers as its first task.
                needed.Add(ResourceBag.From(executor.Resources));
            }
        }
        if (!remaining.Contains(needed))
        {
            return $"Task uses more resources {needed} than available {remaining}";
        }
        return null;
    }

    private static bool SameExecutor(ExecutorInfo a, ExecutorInfo b)
    {
        var left = a.Clone();
        var right = b.Clone();
        left.FrameworkId = null;
        right.FrameworkId = null;
        return left.Equals(right);
    }

    private void Launch(FrameworkRecord framework, AgentRecord agent, TaskInfo task, Dictionary<string, ExecutorInfo> newExecutors)
    {
        var launched = task.Clone();
        if (launched.Executor is { } executor)
        {
            executor.FrameworkId = new FrameworkID { Value = framework.Id };
            var key = (agent.Id, executor.ExecutorId.Value);
            if (!framework.Executors.ContainsKey(key))
            {
                framework.Executors[key] = new ExecutorRecord(executor.Clone(), ResourceBag.From(executor.Resources));
                newExecutors[executor.ExecutorId.Value] = executor;
            }
        }
        var record = new TaskRecord(launched, framework.Id, ResourceBag.From(launched.Resources));
        framework.Tasks.Add(record.Id, record);
        LogLaunching(framework.Id, record.Id, agent.Id);
        agent.Agent.LaunchTask(framework.Info.Clone(), launched);
    }
}
