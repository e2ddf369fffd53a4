namespace Sluice.Scheduler.State.Model;

/// <summary>A blue/green deployment of a consumer from one version to another (DESIGN.md §5).</summary>
internal sealed record Deployment(
    string Id,
    string Consumer,
    string FromVersion,
    string ToVersion,
    IReadOnlyList<DeploymentStep> Steps,
    int CurrentStep,
    IReadOnlyList<HealthGate> Gates,
    DeploymentStatus Status);

/// <summary>One step: move this share of the partitions, then bake before checking the gates.</summary>
internal sealed record DeploymentStep(int PercentOfPartitions, TimeSpan BakeTime);

/// <summary>A health condition checked between steps (e.g. max lag, max error rate) and its last outcome.</summary>
internal sealed record HealthGate(string Name, HealthGateKind Kind, double Threshold, bool? Passed);

internal enum HealthGateKind
{
    MaxLag,
    MaxErrorRate,
    MinProcessingRate,
    AllTasksHealthy,
}

internal enum DeploymentStatus
{
    Pending,
    InProgress,
    Paused,
    RollingBack,
    Succeeded,
    RolledBack,
    Failed,
}
