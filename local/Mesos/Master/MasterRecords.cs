using Google.Protobuf;
using Sluice.Proto.Mesos.V1;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Local.Mesos.Master;

/// <summary>An agent as the master sees it.</summary>
internal sealed class AgentRecord(Agent.LocalMesosAgent agent, AgentInfo info)
{
    public Agent.LocalMesosAgent Agent { get; } = agent;

    public AgentInfo Info { get; } = info;

    public string Id => Info.Id.Value;

    public ResourceBag Total { get; } = ResourceBag.From(info.Resources);

    /// <summary>
    /// The agent's registration with this run of the master; null while the agent is only
    /// remembered from the registry (after a master failover, until it re-registers).
    /// </summary>
    public AgentSession? Session { get; set; }
}

/// <summary>A framework: its subscription, filters, tasks and executors.</summary>
internal sealed class FrameworkRecord(string id, FrameworkInfo info, DateTimeOffset registered)
{
    public string Id { get; } = id;

    public FrameworkInfo Info { get; set; } = info;

    public EventStream? Stream { get; set; }

    public bool Connected => Stream is { IsOpen: true };

    public bool Suppressed { get; set; }

    public bool Active { get; set; } = true;

    /// <summary>
    /// Known only from re-registering agents since a master failover: its tasks are back, but no
    /// scheduler has subscribed for it yet (Mesos' RECOVERED framework state).
    /// </summary>
    public bool Recovered { get; set; }

    public DateTimeOffset RegisteredTime { get; } = registered;

    public DateTimeOffset? UnregisteredTime { get; set; }

    public List<OfferFilter> Filters { get; } = [];

    public Dictionary<string, TaskRecord> Tasks { get; } = new(StringComparer.Ordinal);

    public List<TaskRecord> CompletedTasks { get; } = [];

    /// <summary>Live custom executors by (agent id, executor id), with the resources they hold.</summary>
    public Dictionary<(string AgentId, string ExecutorId), ExecutorRecord> Executors { get; } = [];

    /// <summary>Bumped on every (re)subscription and disconnection, so a stale failover timer does nothing.</summary>
    public int Generation { get; set; }

    public ITimer? FailoverTimer { get; set; }

#pragma warning disable CS0612 // FrameworkInfo.role is deprecated in Mesos but still what single-role frameworks send.
    public string Role => Info.Roles.Count > 0 ? Info.Roles[0] : Info.Role;
#pragma warning restore CS0612

    public bool Has(FrameworkInfo.Types.Capability.Types.Type capability) =>
        Info.Capabilities.Any(c => c.Type == capability);
}

internal sealed record ExecutorRecord(ExecutorInfo Info, ResourceBag Resources);

/// <summary>Resources of an agent a framework refused (DECLINE or unused in ACCEPT) until <see cref="Expires"/>.</summary>
internal sealed record OfferFilter(string AgentId, ResourceBag Resources, DateTimeOffset Expires);

internal sealed record OfferRecord(Offer Offer, ResourceBag Resources)
{
    public string Id => Offer.Id.Value;

    public string FrameworkId => Offer.FrameworkId.Value;

    public string AgentId => Offer.AgentId.Value;
}

/// <summary>A task as the master sees it: latest state and the updates seen.</summary>
internal sealed class TaskRecord(TaskInfo info, string frameworkId, ResourceBag resources)
{
    public TaskInfo Info { get; } = info;

    public string Id => Info.TaskId.Value;

    public string FrameworkId { get; } = frameworkId;

    public string AgentId => Info.AgentId.Value;

    public ExecutorID? ExecutorId => Info.Executor?.ExecutorId;

    public ResourceBag Resources { get; } = resources;

    /// <summary>The latest state the agent knows (Mesos' <c>Task.state</c>), which reconciliation reports.</summary>
    public TaskState State { get; set; } = TaskState.TaskStaging;

    /// <summary>True once the task reached a terminal state and its resources went back to the agent.</summary>
    public bool ResourcesRecovered { get; set; }

    public List<TaskStatus> Statuses { get; } = [];

    /// <summary>State of each forwarded update by uuid, to know when the terminal one is acknowledged.</summary>
    public Dictionary<ByteString, TaskState> Forwarded { get; } = [];
}
