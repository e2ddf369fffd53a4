using Sluice.Proto.Mesos.V1;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Local.Mesos.Agent;

/// <summary>Why the agent is ending an executor; decides the state of tasks still open when it exits.</summary>
internal enum Termination
{
    None,
    RegistrationTimeout,
    Shutdown,
    FrameworkRemoved,
    LaunchFailed,
}

/// <summary>A task as the agent knows it: what was launched and its latest state.</summary>
internal sealed class AgentTask(TaskInfo info)
{
    public TaskInfo Info { get; } = info;

    public string Id => Info.TaskId.Value;

    public TaskState State { get; set; } = TaskState.TaskStaging;

    /// <summary>The newest status taken for the task (reported with it when the agent re-registers).</summary>
    public TaskStatus? Latest { get; set; }

    public bool KillRequested { get; set; }
}

/// <summary>
/// One executor run (Mesos' container): a custom executor with its tasks, or the built-in command
/// executor running one command task. Touched only on the agent's actor.
/// </summary>
internal sealed class ExecutorRun(string frameworkId, ExecutorInfo info, bool isCommand, string containerId, string directory)
{
    public string FrameworkId { get; } = frameworkId;

    public ExecutorInfo Info { get; } = info;

    public string ExecutorId => Info.ExecutorId.Value;

    /// <summary>True for the built-in command executor: the process is the task's command itself.</summary>
    public bool IsCommand { get; } = isCommand;

    public string ContainerId { get; } = containerId;

    public string Directory { get; } = directory;

    public ExecutorProcess? Process { get; set; }

    /// <summary>The SUBSCRIBE stream while the executor is connected.</summary>
    public EventStream? Stream { get; set; }

    public bool Subscribed => Stream is { IsOpen: true };

    /// <summary>True once the executor subscribed (the registration timeout no longer applies).</summary>
    public bool EverSubscribed { get; set; }

    public bool Exited { get; set; }

    public Termination Termination { get; set; }

    public Dictionary<string, AgentTask> Tasks { get; } = new(StringComparer.Ordinal);

    /// <summary>Tasks launched before the executor subscribed; sent as LAUNCH events when it does.</summary>
    public List<TaskInfo> Queued { get; } = [];

    /// <summary>Every timer of this run (registration, kill escalation, shutdown), disposed when it exits.</summary>
    public List<ITimer> Timers { get; } = [];

    /// <summary>Uuids of updates already taken from the executor, so a re-sent one is only acknowledged again.</summary>
    public HashSet<Google.Protobuf.ByteString> SeenUpdates { get; } = [];

    public TimeSpan ShutdownGracePeriod(TimeSpan fallback) =>
        Info.ShutdownGracePeriod is { } grace ? TimeSpan.FromTicks(grace.Nanoseconds / 100) : fallback;
}

/// <summary>
/// The updates of one task not yet acknowledged by the scheduler, oldest first (Mesos' status
/// update stream). Only the head is sent to the master; it is re-sent with a doubling backoff until
/// acknowledged, and later updates of the task wait behind it.
/// </summary>
internal sealed class UpdateStream
{
    public Queue<TaskStatus> Pending { get; } = new();

    /// <summary>State of the newest update taken (Mesos' latest_state, sent along for reconciliation).</summary>
    public TaskState Latest { get; set; } = TaskState.TaskStaging;

    public ITimer? Retry { get; set; }

    public TimeSpan Backoff { get; set; }

    /// <summary>The task the updates are of, when the agent knew it (null for updates of tasks it never had).</summary>
    public AgentTask? Task { get; set; }
}

/// <summary>A custom executor's exit, as the agent tells the master (Mesos' <c>ExitedExecutorMessage</c>).</summary>
internal sealed record ExecutorExit(string FrameworkId, string ExecutorId, int Status);
