namespace Sluice.Scheduler.State.Model;

/// <summary>One version of a consumer's handler: what to fetch and run, with which resources and worker settings.</summary>
internal sealed record ConsumerVersion(
    string Id,
    IReadOnlyList<string> ArtifactUris,
    string Command,
    IReadOnlyDictionary<string, string> Environment,
    TaskResources Resources,
    WorkerSettings Worker);
