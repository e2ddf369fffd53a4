using Sluice.Scheduler.Offers;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Engine;

/// <summary>
/// A task the engine launched or found in the state store, as the engine sees it now. Mutated only
/// under <see cref="TaskBook"/>'s lock.
/// </summary>
internal sealed class TrackedTask(string taskId, string consumer, string versionId, string? agentId, MesosTaskState state, long since)
{
    private readonly TaskCompletionSource _terminal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string TaskId { get; } = taskId;

    public string Consumer { get; } = consumer;

    public string VersionId { get; } = versionId;

    public string? AgentId { get; set; } = agentId;

    /// <summary>Where it runs (host and attributes of the offer it was launched on), for placement constraints.</summary>
    public OfferView? Host { get; set; }

    public MesosTaskState State { get; set; } = state;

    /// <summary>Timestamp (TimeProvider) of the last state change.</summary>
    public long Since { get; set; } = since;

    /// <summary>The task is leaving (scale-in, unresponsive, consumer deleted): it gets no partitions and is killed once it holds none.</summary>
    public bool Draining { get; set; }

    /// <summary>Why it is draining, for logs and events.</summary>
    public string? DrainReason { get; set; }

    /// <summary>A KILL was sent to Mesos.</summary>
    public bool KillSent { get; set; }

    public string? Message { get; set; }

    public bool IsTerminal => TaskStates.IsTerminal(State);

    /// <summary>Completes when Mesos reports the task terminal.</summary>
    public Task Terminal => _terminal.Task;

    public void MarkTerminal() => _terminal.TrySetResult();

    public TaskRecord ToRecord(bool connected) => new(
        TaskId, VersionId, AgentId, State, connected ? ControlPlaneState.Connected : ControlPlaneState.NotConnected);
}
