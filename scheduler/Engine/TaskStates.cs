using Sluice.Scheduler.State.Model;
using ProtoState = Sluice.Proto.Mesos.V1.TaskState;

namespace Sluice.Scheduler.Engine;

/// <summary>Mesos task states as the state model keeps them.</summary>
internal static class TaskStates
{
    public static bool IsTerminal(MesosTaskState state) => state is MesosTaskState.Finished or MesosTaskState.Failed
        or MesosTaskState.Killed or MesosTaskState.Error or MesosTaskState.Lost or MesosTaskState.Dropped
        or MesosTaskState.Gone or MesosTaskState.GoneByOperator;

    /// <summary>States after which the task will not come back by itself (UNREACHABLE may, and is killed instead).</summary>
    public static bool IsActive(MesosTaskState state) => state is MesosTaskState.Staging or MesosTaskState.Starting
        or MesosTaskState.Running or MesosTaskState.Killing or MesosTaskState.Unknown;

    public static MesosTaskState FromProto(ProtoState state) => state switch
    {
        ProtoState.TaskStaging => MesosTaskState.Staging,
        ProtoState.TaskStarting => MesosTaskState.Starting,
        ProtoState.TaskRunning => MesosTaskState.Running,
        ProtoState.TaskKilling => MesosTaskState.Killing,
        ProtoState.TaskFinished => MesosTaskState.Finished,
        ProtoState.TaskFailed => MesosTaskState.Failed,
        ProtoState.TaskKilled => MesosTaskState.Killed,
        ProtoState.TaskError => MesosTaskState.Error,
        ProtoState.TaskLost => MesosTaskState.Lost,
        ProtoState.TaskDropped => MesosTaskState.Dropped,
        ProtoState.TaskUnreachable => MesosTaskState.Unreachable,
        ProtoState.TaskGone => MesosTaskState.Gone,
        ProtoState.TaskGoneByOperator => MesosTaskState.GoneByOperator,
        _ => MesosTaskState.Unknown,
    };
}
