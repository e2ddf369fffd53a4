using Google.Protobuf;
using Sluice.Proto.Mesos.V1;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;
using Sluice.Proto.Mesos.V1.Scheduler;

namespace Sluice.Mesos.Scheduler;

/// <summary>
/// Builds the scheduler <see cref="Call"/>s Sluice sends, one small constructor per call type.
/// Building a call is separate from sending it (<see cref="IMesosCaller"/>).
/// </summary>
/// <remarks>
/// <para>Every constructor returns a new message and copies the messages it is given, so a
/// call never shares state with its caller. Calls other than SUBSCRIBE are built without
/// <c>framework_id</c>: <see cref="MesosSchedulerClient"/> sets the framework ID of the current
/// subscription when it sends them (or use <see cref="WithFrameworkId"/>).</para>
/// <para>Shapes follow Mesos' scheduler HTTP API: bodies that Mesos requires are always
/// present, even when empty (implicit RECONCILE, SUPPRESS/REVIVE of all roles).</para>
/// </remarks>
public static class SchedulerCalls
{
    /// <summary>
    /// SUBSCRIBE. When <paramref name="frameworkInfo"/> has an <c>id</c> (a re-subscription after a
    /// failover or reconnect), <c>Call.framework_id</c> is set to the same ID, as Mesos requires.
    /// </summary>
    public static Call Subscribe(FrameworkInfo frameworkInfo, params IEnumerable<string> suppressedRoles)
    {
        ArgumentNullException.ThrowIfNull(frameworkInfo);
        var subscribe = new Call.Types.Subscribe { FrameworkInfo = frameworkInfo.Clone() };
        subscribe.SuppressedRoles.AddRange(suppressedRoles);
        var call = new Call { Type = Call.Types.Type.Subscribe, Subscribe = subscribe };
        if (frameworkInfo.Id is { } id)
        {
            call.FrameworkId = id.Clone();
        }

        return call;
    }

    /// <summary>
    /// SUBSCRIBE as a re-subscription with a saved framework ID: sets both
    /// <c>framework_info.id</c> and <c>Call.framework_id</c>.
    /// </summary>
    public static Call Resubscribe(FrameworkInfo frameworkInfo, FrameworkID frameworkId, params IEnumerable<string> suppressedRoles)
    {
        ArgumentNullException.ThrowIfNull(frameworkInfo);
        ArgumentNullException.ThrowIfNull(frameworkId);
        var info = frameworkInfo.Clone();
        info.Id = frameworkId.Clone();
        return Subscribe(info, suppressedRoles);
    }

    /// <summary>TEARDOWN: kills every task and executor of the framework and removes it for good.</summary>
    public static Call Teardown() => new() { Type = Call.Types.Type.Teardown };

    /// <summary>
    /// ACCEPT: runs <paramref name="operations"/> in order on the resources of
    /// <paramref name="offerIds"/>; what they leave unused is declined with <paramref name="filters"/>.
    /// </summary>
    public static Call Accept(IEnumerable<OfferID> offerIds, IEnumerable<Offer.Types.Operation> operations, Filters? filters = null)
    {
        ArgumentNullException.ThrowIfNull(offerIds);
        ArgumentNullException.ThrowIfNull(operations);
        var accept = new Call.Types.Accept();
        accept.OfferIds.AddRange(offerIds.Select(id => id.Clone()));
        accept.Operations.AddRange(operations.Select(operation => operation.Clone()));
        if (filters is not null)
        {
            accept.Filters = filters.Clone();
        }

        return new Call { Type = Call.Types.Type.Accept, Accept = accept };
    }

    /// <summary>The LAUNCH operation of an ACCEPT.</summary>
    public static Offer.Types.Operation Launch(params IEnumerable<TaskInfo> tasks)
    {
        var launch = new Offer.Types.Operation.Types.Launch();
        launch.TaskInfos.AddRange(tasks.Select(task => task.Clone()));
        return new Offer.Types.Operation { Type = Offer.Types.Operation.Types.Type.Launch, Launch = launch };
    }

    /// <summary>The LAUNCH_GROUP operation of an ACCEPT: <paramref name="tasks"/> run together under <paramref name="executor"/>.</summary>
    public static Offer.Types.Operation LaunchGroup(ExecutorInfo executor, params IEnumerable<TaskInfo> tasks)
    {
        ArgumentNullException.ThrowIfNull(executor);
        var group = new TaskGroupInfo();
        group.Tasks.AddRange(tasks.Select(task => task.Clone()));
        return new Offer.Types.Operation
        {
            Type = Offer.Types.Operation.Types.Type.LaunchGroup,
            LaunchGroup = new Offer.Types.Operation.Types.LaunchGroup { Executor = executor.Clone(), TaskGroup = group },
        };
    }

    /// <summary>
    /// DECLINE. <paramref name="refuseFor"/> keeps the resources from being offered again for that
    /// long; without it Mesos uses its default filter (5 s).
    /// </summary>
    public static Call Decline(IEnumerable<OfferID> offerIds, TimeSpan? refuseFor = null)
    {
        ArgumentNullException.ThrowIfNull(offerIds);
        var decline = new Call.Types.Decline();
        decline.OfferIds.AddRange(offerIds.Select(id => id.Clone()));
        if (refuseFor is { } duration)
        {
            decline.Filters = RefuseFor(duration);
        }

        return new Call { Type = Call.Types.Type.Decline, Decline = decline };
    }

    /// <summary>Offer filters that refuse the resources for <paramref name="duration"/>.</summary>
    public static Filters RefuseFor(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        return new Filters { RefuseSeconds = duration.TotalSeconds };
    }

    /// <summary>REVIVE: clears offer filters and ends SUPPRESS; no roles means all of the framework's roles.</summary>
    public static Call Revive(params IEnumerable<string> roles)
    {
        var revive = new Call.Types.Revive();
        revive.Roles.AddRange(roles);
        return new Call { Type = Call.Types.Type.Revive, Revive = revive };
    }

    /// <summary>SUPPRESS: stops offers until REVIVE; no roles means all of the framework's roles.</summary>
    public static Call Suppress(params IEnumerable<string> roles)
    {
        var suppress = new Call.Types.Suppress();
        suppress.Roles.AddRange(roles);
        return new Call { Type = Call.Types.Type.Suppress, Suppress = suppress };
    }

    /// <summary>KILL. The result arrives as an UPDATE (TASK_KILLED, or TASK_LOST for an unknown task).</summary>
    public static Call Kill(TaskID taskId, AgentID? agentId = null, KillPolicy? killPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        var kill = new Call.Types.Kill { TaskId = taskId.Clone() };
        if (agentId is not null)
        {
            kill.AgentId = agentId.Clone();
        }

        if (killPolicy is not null)
        {
            kill.KillPolicy = killPolicy.Clone();
        }

        return new Call { Type = Call.Types.Type.Kill, Kill = kill };
    }

    /// <summary>SHUTDOWN of a custom executor: the agent sends it a SHUTDOWN event.</summary>
    public static Call Shutdown(ExecutorID executorId, AgentID agentId)
    {
        ArgumentNullException.ThrowIfNull(executorId);
        ArgumentNullException.ThrowIfNull(agentId);
        return new Call
        {
            Type = Call.Types.Type.Shutdown,
            Shutdown = new Call.Types.Shutdown { ExecutorId = executorId.Clone(), AgentId = agentId.Clone() },
        };
    }

    /// <summary>
    /// ACKNOWLEDGE of a status update, or <see langword="null"/> when the update must not be
    /// acknowledged: it has no <c>uuid</c> (reconciliation answers, updates the master generates)
    /// or no <c>agent_id</c>.
    /// </summary>
    public static Call? Acknowledge(TaskStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (!status.HasUuid || status.Uuid.IsEmpty || status.AgentId is null || status.TaskId is null)
        {
            return null;
        }

        return new Call
        {
            Type = Call.Types.Type.Acknowledge,
            Acknowledge = new Call.Types.Acknowledge
            {
                AgentId = status.AgentId.Clone(),
                TaskId = status.TaskId.Clone(),
                Uuid = status.Uuid,
            },
        };
    }

    /// <summary>Explicit RECONCILE of the given tasks; the master answers each with an UPDATE.</summary>
    public static Call Reconcile(IEnumerable<(TaskID TaskId, AgentID? AgentId)> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var reconcile = new Call.Types.Reconcile();
        foreach (var (taskId, agentId) in tasks)
        {
            ArgumentNullException.ThrowIfNull(taskId, nameof(tasks));
            var task = new Call.Types.Reconcile.Types.Task { TaskId = taskId.Clone() };
            if (agentId is not null)
            {
                task.AgentId = agentId.Clone();
            }

            reconcile.Tasks.Add(task);
        }

        return new Call { Type = Call.Types.Type.Reconcile, Reconcile = reconcile };
    }

    /// <summary>Implicit RECONCILE (no tasks): the master answers with every task it knows for the framework.</summary>
    public static Call ReconcileAll() =>
        new() { Type = Call.Types.Type.Reconcile, Reconcile = new Call.Types.Reconcile() };

    /// <summary>MESSAGE to an executor. Best effort: Mesos does not retry it.</summary>
    public static Call Message(AgentID agentId, ExecutorID executorId, ByteString data)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        ArgumentNullException.ThrowIfNull(executorId);
        ArgumentNullException.ThrowIfNull(data);
        return new Call
        {
            Type = Call.Types.Type.Message,
            Message = new Call.Types.Message { AgentId = agentId.Clone(), ExecutorId = executorId.Clone(), Data = data },
        };
    }

    /// <summary>Returns a copy of <paramref name="call"/> with <c>framework_id</c> set.</summary>
    public static Call WithFrameworkId(this Call call, FrameworkID frameworkId)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(frameworkId);
        var copy = call.Clone();
        copy.FrameworkId = frameworkId.Clone();
        return copy;
    }
}
