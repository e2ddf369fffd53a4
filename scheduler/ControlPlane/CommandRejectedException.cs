namespace Sluice.Scheduler.ControlPlane;

/// <summary>An executor refused a command (stale epoch, partition not held, or its own failure).</summary>
public sealed class CommandRejectedException(string taskId, string command, string partition, long epoch, long heldEpoch, string reason)
    : Exception($"Task {taskId} rejected {command} of {partition} at epoch {epoch} (holds {heldEpoch}): {reason}")
{
    public string TaskId { get; } = taskId;

    public long HeldEpoch { get; } = heldEpoch;

    public string Reason { get; } = reason;
}

/// <summary>The executor's stream ended while a command waited for its answer.</summary>
public sealed class ExecutorDisconnectedException(string taskId)
    : Exception($"Task {taskId} disconnected from the control plane before answering.")
{
    public string TaskId { get; } = taskId;
}
