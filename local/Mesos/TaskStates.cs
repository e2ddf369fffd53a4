using Sluice.Proto.Mesos.V1;

namespace Sluice.Local.Mesos;

internal static class TaskStates
{
    /// <summary>Mesos' <c>protobuf::isTerminalState</c>.</summary>
    public static bool IsTerminal(TaskState state) => state is TaskState.TaskFinished or TaskState.TaskFailed
        or TaskState.TaskKilled or TaskState.TaskError or TaskState.TaskLost or TaskState.TaskDropped
        or TaskState.TaskGone or TaskState.TaskGoneByOperator;

    /// <summary>"TASK_RUNNING", as Mesos names states in JSON.</summary>
    public static string Name(TaskState state) =>
        typeof(TaskState).GetField(state.ToString())?.GetCustomAttributes(typeof(Google.Protobuf.Reflection.OriginalNameAttribute), false)
            .OfType<Google.Protobuf.Reflection.OriginalNameAttribute>().FirstOrDefault()?.Name ?? state.ToString();

    public static double Now(TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    public static Google.Protobuf.ByteString NewUuid() => Google.Protobuf.ByteString.CopyFrom(Guid.NewGuid().ToByteArray());
}
