namespace Sluice.Cli.Api;

/// <summary>A consumer's stored spec: <c>GET</c> and <c>PUT /api/v1/consumers/{name}</c>.</summary>
internal sealed record ConsumerSpec(
    string Name,
    IReadOnlyList<string> Topics,
    string GroupId,
    HandlerSpec Handler,
    string Version,
    IReadOnlyList<string> Versions,
    IReadOnlyList<string> ArtifactUris,
    ResourcesSpec Resources,
    int Instances,
    int Workers,
    string Ordering,
    string FailurePolicy,
    string? DeadLetterTopic,
    int BatchSize,
    long BatchLingerMs,
    IReadOnlyList<IReadOnlyList<string>> Constraints,
    long Revision);

internal sealed record HandlerSpec(string? Type, string? Assembly, IReadOnlyDictionary<string, string>? Settings);

internal sealed record ResourcesSpec(double Cpus, double Mem, double Disk);
