namespace Sluice.Cli.Api;

/// <summary>A long-running change the API accepted (202), polled at <c>GET /api/v1/operations/{id}</c>.</summary>
internal sealed record Operation(
    string Id,
    string Kind,
    string Consumer,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? Message,
    int? Instances,
    string? Href)
{
    public OperationState State => ApiNames.Parse<OperationState>(Status);

    public bool IsFinished => State is OperationState.Succeeded or OperationState.Failed;
}

internal enum OperationState
{
    Unknown,
    Pending,
    Running,
    Succeeded,
    Failed,
}
