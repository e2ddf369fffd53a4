namespace Sluice.Cli.Api;

/// <summary>A blue/green deployment of a consumer's new version: <c>/api/v1/consumers/{name}/deployments[/{id}]</c>.</summary>
/// <param name="Step">0-based index into <see cref="Steps"/> of the current step.</param>
/// <param name="Steps">Share of partitions (percent) on the new version at each step, e.g. 10, 50, 100.</param>
/// <param name="Partitions">Partitions owned per version.</param>
internal sealed record Deployment(
    string Id,
    string Consumer,
    string? FromVersion,
    string ToVersion,
    string Status,
    int Step,
    IReadOnlyList<int>? Steps,
    int BakeSeconds,
    bool AutoPromote,
    IReadOnlyDictionary<string, int>? Partitions,
    IReadOnlyList<DeploymentGate>? Gates,
    string? Message,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public DeploymentState State => ApiNames.Parse<DeploymentState>(Status);

    /// <summary>Succeeded, rolled back, failed or aborted: nothing more will happen to it.</summary>
    public bool IsFinished => State is DeploymentState.Succeeded or DeploymentState.RolledBack or DeploymentState.Failed or DeploymentState.Aborted;
}

/// <summary>A health gate between steps and its latest reading.</summary>
internal sealed record DeploymentGate(string Name, double Threshold, double? Value, bool? Passed);

internal enum DeploymentState
{
    Unknown,
    Pending,
    InProgress,
    Baking,
    WaitingForPromotion,
    Paused,
    RollingBack,
    Succeeded,
    RolledBack,
    Failed,
    Aborted,
}
