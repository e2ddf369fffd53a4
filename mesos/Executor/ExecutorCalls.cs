using Google.Protobuf;
using Sluice.Proto.Mesos.V1;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;
using Sluice.Proto.Mesos.V1.Executor;

namespace Sluice.Mesos.Executor;

/// <summary>
/// Builds the executor <see cref="Call"/>s. Every call carries the executor and framework IDs
/// (Mesos requires both); messages given are copied.
/// </summary>
public static class ExecutorCalls
{
    /// <summary>
    /// SUBSCRIBE, listing what the agent has not acknowledged yet: tasks launched but without an
    /// acknowledged update, and updates not acknowledged. Both are empty on a first start.
    /// </summary>
    public static Call Subscribe(
        ExecutorID executorId,
        FrameworkID frameworkId,
        IEnumerable<TaskInfo>? unacknowledgedTasks = null,
        IEnumerable<TaskStatus>? unacknowledgedUpdates = null)
    {
        var subscribe = new Call.Types.Subscribe();
        subscribe.UnacknowledgedTasks.AddRange((unacknowledgedTasks ?? []).Select(task => task.Clone()));
        subscribe.UnacknowledgedUpdates.AddRange(
            (unacknowledgedUpdates ?? []).Select(status => new Call.Types.Update { Status = status.Clone() }));
        return Base(executorId, frameworkId, Call.Types.Type.Subscribe, call => call.Subscribe = subscribe);
    }

    /// <summary>UPDATE carrying <paramref name="status"/> as given (see <see cref="MesosExecutorClient.SendUpdateAsync"/> for the fields it fills).</summary>
    public static Call Update(ExecutorID executorId, FrameworkID frameworkId, TaskStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return Base(executorId, frameworkId, Call.Types.Type.Update, call => call.Update = new Call.Types.Update { Status = status.Clone() });
    }

    /// <summary>MESSAGE to the scheduler. Best effort: neither Mesos nor Sluice retries it.</summary>
    public static Call Message(ExecutorID executorId, FrameworkID frameworkId, ByteString data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Base(executorId, frameworkId, Call.Types.Type.Message, call => call.Message = new Call.Types.Message { Data = data });
    }

    /// <summary>HEARTBEAT (Mesos 1.x keepalive for a persistent call connection).</summary>
    public static Call Heartbeat(ExecutorID executorId, FrameworkID frameworkId) =>
        Base(executorId, frameworkId, Call.Types.Type.Heartbeat, static _ => { });

    private static Call Base(ExecutorID executorId, FrameworkID frameworkId, Call.Types.Type type, Action<Call> body)
    {
        ArgumentNullException.ThrowIfNull(executorId);
        ArgumentNullException.ThrowIfNull(frameworkId);
        var call = new Call { ExecutorId = executorId.Clone(), FrameworkId = frameworkId.Clone(), Type = type };
        body(call);
        return call;
    }
}
