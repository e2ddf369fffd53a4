namespace Sluice.Scheduler.Api;

/// <summary>A long-running change the API accepted (202) and the engine carries out, polled at <c>/api/v1/operations/{id}</c>.</summary>
internal sealed record Operation(
    string Id,
    OperationKind Kind,
    string Consumer,
    OperationStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? Message,
    int? TargetInstances)
{
    public bool IsActive => Status is OperationStatus.Pending or OperationStatus.Running;
}

internal enum OperationKind
{
    Scale,
}

internal enum OperationStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
}
