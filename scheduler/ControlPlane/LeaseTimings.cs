namespace Sluice.Scheduler.ControlPlane;

/// <summary>
/// The executors' lease (DESIGN.md §3.3) and the scheduler timings that must follow from it, so that one
/// setting cannot leave them inconsistent: the scheduler pings well inside the lease, and treats a silent
/// task's partitions as still owned until the lease plus a margin has passed.
/// </summary>
/// <param name="Lease">An executor that hears nothing from the scheduler for this long fences itself.</param>
public sealed record LeaseTimings(TimeSpan Lease)
{
    public static readonly TimeSpan Minimum = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Maximum = TimeSpan.FromHours(1);

    /// <summary>The margin never goes below this: it must cover a Progress interval, the executor's lease check, its drain and last commit.</summary>
    public static readonly TimeSpan MinimumMargin = TimeSpan.FromSeconds(5);

    public static LeaseTimings Default { get; } = new(ControlPlaneOptions.DefaultLeaseTimeout);

    /// <summary>
    /// A third of the lease (at most the default ping interval): a quiet stream still hears from the scheduler
    /// two or three times per lease, so one late ping never fences an executor.
    /// </summary>
    public TimeSpan PingInterval => Lease / 3 < ControlPlaneOptions.DefaultPingInterval ? Lease / 3 : ControlPlaneOptions.DefaultPingInterval;

    /// <summary>How long past the lease the scheduler still waits: a third of the lease, at least <see cref="MinimumMargin"/>.</summary>
    public TimeSpan Margin => Lease / 3 > MinimumMargin ? Lease / 3 : MinimumMargin;

    /// <summary>
    /// A task silent this long has fenced itself and made its last commit: only then are its partitions moved
    /// (<c>EngineOptions.SilentTaskGrace</c>, <c>HandoverOptions.SilentOwnerGrace</c>). 20 s for the default 15 s lease.
    /// </summary>
    public TimeSpan SilentOwnerGrace => Lease + Margin;
}
