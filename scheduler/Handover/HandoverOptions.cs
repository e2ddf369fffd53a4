namespace Sluice.Scheduler.Handover;

/// <summary>Timeouts of a partition handover (DESIGN.md §5).</summary>
public sealed class HandoverOptions
{
    /// <summary>How long the old owner gets to finish in-flight messages and commit.</summary>
    public TimeSpan ReleaseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the new owner gets to confirm the assignment.</summary>
    public TimeSpan AssignTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A silent owner's partitions move only once it has been silent this long: its lease plus a
    /// margin, so it has fenced itself before anyone else starts.
    /// </summary>
    public TimeSpan SilentOwnerGrace { get; set; } = TimeSpan.FromSeconds(20);
}
