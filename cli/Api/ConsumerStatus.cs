namespace Sluice.Cli.Api;

/// <summary><c>GET /api/v1/consumers/{name}/status</c>: tasks, partition ownership with lag, and operations.</summary>
internal sealed record ConsumerStatus(
    string Name,
    IReadOnlyList<string> Topics,
    string ActiveVersion,
    int DesiredInstances,
    int RunningTasks,
    IReadOnlyList<ConsumerTaskStatus> Tasks,
    IReadOnlyList<PartitionStatus> Partitions,
    IReadOnlyList<Operation> Operations);

internal sealed record ConsumerTaskStatus(string TaskId, string Version, string? AgentId, string MesosState, string ControlPlaneState, bool Connected);

internal sealed record PartitionStatus(
    string Topic,
    int Partition,
    string? Owner,
    long Epoch,
    string State,
    long? StartOffset,
    long? CommittedOffset,
    long? Lag);
