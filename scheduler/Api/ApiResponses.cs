namespace Sluice.Scheduler.Api;

/// <summary>One entry of <c>GET /api/v1/consumers</c>.</summary>
internal sealed record ConsumerSummary(string Name, IReadOnlyList<string> Topics, int Instances, string ActiveVersion);

/// <summary>A consumer's spec as the API shows it (the shape of <see cref="ConsumerSpecRequest"/>, defaults filled in).</summary>
internal sealed record ConsumerResponse(
    string Name,
    IReadOnlyList<string> Topics,
    string GroupId,
    HandlerResponse Handler,
    string Version,
    IReadOnlyList<string> Versions,
    IReadOnlyList<string> ArtifactUris,
    ResourcesResponse Resources,
    int Instances,
    int Workers,
    string Ordering,
    string FailurePolicy,
    string? DeadLetterTopic,
    int BatchSize,
    long BatchLingerMs,
    IReadOnlyList<IReadOnlyList<string>> Constraints,
    long Revision);

internal sealed record HandlerResponse(string? Type, string? Assembly, IReadOnlyDictionary<string, string> Settings);

internal sealed record ResourcesResponse(double Cpus, double Mem, double Disk);

/// <summary>An operation, with the link to poll it.</summary>
internal sealed record OperationResponse(
    string Id,
    string Kind,
    string Consumer,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? Message,
    int? Instances,
    string Href)
{
    public static OperationResponse From(Operation o) => new(
        o.Id, ApiNames.Of(o.Kind), o.Consumer, ApiNames.Of(o.Status), o.CreatedAt, o.UpdatedAt, o.Message, o.TargetInstances, "/api/v1/operations/" + o.Id);
}

/// <summary><c>GET /api/v1/consumers/{name}/status</c>.</summary>
internal sealed record ConsumerStatusResponse(
    string Name,
    IReadOnlyList<string> Topics,
    string ActiveVersion,
    int DesiredInstances,
    int RunningTasks,
    IReadOnlyList<TaskStatusResponse> Tasks,
    IReadOnlyList<PartitionStatusResponse> Partitions,
    IReadOnlyList<OperationResponse> Operations);

internal sealed record TaskStatusResponse(string TaskId, string Version, string? AgentId, string MesosState, string ControlPlaneState, bool Connected);

/// <summary>One partition: owner, epoch, state and start offset from the ownership table; committed offset and lag from the owner's latest progress.</summary>
internal sealed record PartitionStatusResponse(
    string Topic,
    int Partition,
    string? Owner,
    long Epoch,
    string State,
    long? StartOffset,
    long? CommittedOffset,
    long? Lag);

/// <summary><c>GET /health</c>.</summary>
internal sealed record HealthResponse(string Status, bool Leader);
