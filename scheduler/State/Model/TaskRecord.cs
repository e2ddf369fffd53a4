namespace Sluice.Scheduler.State.Model;

/// <summary>A consumer task the scheduler launched: which version, where, and what Mesos and the control plane say.</summary>
internal sealed record TaskRecord(
    string TaskId,
    string VersionId,
    string? AgentId,
    MesosTaskState MesosState,
    ControlPlaneState ControlPlaneState);

/// <summary>The Mesos task states (mesos.v1.TaskState), persisted by name.</summary>
internal enum MesosTaskState
{
    Staging,
    Starting,
    Running,
    Killing,
    Finished,
    Failed,
    Killed,
    Error,
    Lost,
    Dropped,
    Unreachable,
    Gone,
    GoneByOperator,
    Unknown,
}

/// <summary>Where the task's control-plane stream (DESIGN.md §3.3) stands.</summary>
internal enum ControlPlaneState
{
    NotConnected,
    Connected,
    Ready,
    Silent,
}
