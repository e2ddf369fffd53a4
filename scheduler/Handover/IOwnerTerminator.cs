namespace Sluice.Scheduler.Handover;

/// <summary>Kills a silent owner's task through Mesos (DESIGN.md §5 step 4).</summary>
public interface IOwnerTerminator
{
    /// <summary>Asks Mesos to kill the task; completes when a terminal status is known.</summary>
    Task KillAsync(string taskId, string reason, CancellationToken cancellationToken);
}
