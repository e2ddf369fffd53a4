namespace Sluice.Scheduler.State.Model;

/// <summary>
/// A blue/green deployment of a consumer from one version to another (DESIGN.md §5), persisted so a scheduler that
/// takes over resumes it where it was.
/// </summary>
/// <param name="CurrentStep">Index into <paramref name="Steps"/> of the step being moved or baked.</param>
/// <param name="AutoPromote">At 100 %, finish after the last bake; otherwise wait for a promote.</param>
/// <param name="Promoted">An operator asked to finish now: the rest of the partitions move without bakes or gates.</param>
/// <param name="BakeStartedAt">When the current step's bake began; null while partitions are moving.</param>
/// <param name="PausedFrom">The status a resume returns to.</param>
internal sealed record Deployment(
    string Id,
    string Consumer,
    string FromVersion,
    string ToVersion,
    IReadOnlyList<DeploymentStep> Steps,
    int CurrentStep,
    IReadOnlyList<HealthGate> Gates,
    DeploymentStatus Status,
    bool AutoPromote = true,
    bool Promoted = false,
    DateTimeOffset? BakeStartedAt = null,
    string? Message = null,
    DateTimeOffset? CreatedAt = null,
    DateTimeOffset? UpdatedAt = null,
    DeploymentStatus? PausedFrom = null)
{
    public bool IsActive => Status is DeploymentStatus.Pending or DeploymentStatus.InProgress or DeploymentStatus.Baking
        or DeploymentStatus.WaitingForPromotion or DeploymentStatus.Paused or DeploymentStatus.RollingBack or DeploymentStatus.Aborting;
}

/// <summary>One step: move this share of the partitions, then bake before checking the gates.</summary>
internal sealed record DeploymentStep(int PercentOfPartitions, TimeSpan BakeTime);

/// <summary>A health condition checked after each bake, its threshold, and its last reading and outcome.</summary>
internal sealed record HealthGate(string Name, HealthGateKind Kind, double Threshold, bool? Passed, double? Value = null);

internal enum HealthGateKind
{
    MaxLag,
    MaxErrorRate,
    MinProcessingRate,
    AllTasksHealthy,
    MaxLagGrowth,
}

internal enum DeploymentStatus
{
    /// <summary>Green tasks are launching; nothing has moved.</summary>
    Pending,

    /// <summary>The current step's partitions are moving to green.</summary>
    InProgress,

    RollingBack,
    Succeeded,
    RolledBack,
    Failed,

    /// <summary>The step's partitions are on green; waiting out the bake before the gates.</summary>
    Baking,

    /// <summary>All partitions are on green and <c>autoPromote</c> is off: waiting for a promote.</summary>
    WaitingForPromotion,

    /// <summary>Held where it is until resumed.</summary>
    Paused,

    /// <summary>An operator aborted it: partitions return to blue, then it ends as <see cref="Aborted"/>.</summary>
    Aborting,
    Aborted,
}
