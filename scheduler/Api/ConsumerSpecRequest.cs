using System.Text.Json;

namespace Sluice.Scheduler.Api;

/// <summary>
/// Body of <c>PUT /api/v1/consumers/{name}</c>. Every field is optional in the type so that validation can name what
/// is missing; unknown properties are rejected. Defaults: groupId = the name, version = <c>v1</c>, instances 1,
/// workers 1, ordering <c>perPartition</c>, failurePolicy <c>commitOffsetAndContinue</c>, resources 0.5 cpus / 256 MB.
/// </summary>
internal sealed record ConsumerSpecRequest
{
    public List<string>? Topics { get; init; }

    public string? GroupId { get; init; }

    public HandlerRequest? Handler { get; init; }

    public string? Version { get; init; }

    public List<string>? ArtifactUris { get; init; }

    public ResourcesRequest? Resources { get; init; }

    public int? Instances { get; init; }

    public int? Workers { get; init; }

    public string? Ordering { get; init; }

    public string? FailurePolicy { get; init; }

    public string? DeadLetterTopic { get; init; }

    public int? BatchSize { get; init; }

    public int? BatchLingerMs { get; init; }

    /// <summary>Marathon style: <c>[["hostname","UNIQUE"], ["rack","LIKE","a.*"], ["rack","GROUP_BY"]]</c>.</summary>
    public List<List<string>>? Constraints { get; init; }
}

/// <summary>The handler a consumer's tasks run: a type implementing the consumer core's handler interface.</summary>
internal sealed record HandlerRequest
{
    /// <summary>Full or assembly-qualified type name, or a built-in handler's name.</summary>
    public string? Type { get; init; }

    /// <summary>Assembly file name in the task sandbox (fetched through artifactUris); null for built-ins.</summary>
    public string? Assembly { get; init; }

    /// <summary>Handler settings: string, number or boolean values (stored as strings).</summary>
    public Dictionary<string, JsonElement>? Settings { get; init; }
}

internal sealed record ResourcesRequest
{
    public double? Cpus { get; init; }

    public double? Mem { get; init; }

    public double? Disk { get; init; }
}

/// <summary>Body of <c>POST /api/v1/consumers/{name}/scale</c>.</summary>
internal sealed record ScaleRequest
{
    public int? Instances { get; init; }
}
