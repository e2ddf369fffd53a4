namespace Sluice.Scheduler.Api;

/// <summary>Body of <c>POST /api/v1/consumers/{name}/deployments</c>.</summary>
internal sealed record DeploymentRequest
{
    /// <summary>The green version: the version fields of a consumer spec (version, handler, artifactUris, resources, workers, …).</summary>
    public ConsumerSpecRequest? Version { get; init; }

    public StrategyRequest? Strategy { get; init; }
}

/// <summary>How the partitions move: steps in percent, bake time, gates, and whether 100 % finishes by itself.</summary>
internal sealed record StrategyRequest
{
    public List<int>? Steps { get; init; }

    public int? BakeSeconds { get; init; }

    public GatesRequest? Gates { get; init; }

    public bool? AutoPromote { get; init; }
}

/// <summary>Health gates checked on the green partitions after each bake.</summary>
internal sealed record GatesRequest
{
    /// <summary>Failed ÷ (processed + failed) records during the bake.</summary>
    public double? MaxErrorRate { get; init; }

    /// <summary>How much the green partitions' total lag may grow during the bake.</summary>
    public long? MaxLagGrowth { get; init; }

    /// <summary>The green partitions' total lag at the end of the bake.</summary>
    public long? MaxLag { get; init; }
}
