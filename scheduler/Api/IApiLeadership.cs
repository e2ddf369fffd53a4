namespace Sluice.Scheduler.Api;

/// <summary>
/// What the REST API needs to know of leader election: only the leader serves <c>/api</c>; a standby answers
/// <c>307 Temporary Redirect</c> to <see cref="LeaderApiUrl"/>. The host adapts its election state to this.
/// </summary>
/// <remarks>Read on request threads, concurrently; implementations must be thread-safe and must not block.</remarks>
internal interface IApiLeadership
{
    /// <summary>True while this instance leads and may change state.</summary>
    bool IsLeader { get; }

    /// <summary>Base URL of the leader's REST API (e.g. <c>http://host:8080/</c>); null when unknown.</summary>
    Uri? LeaderApiUrl { get; }
}

/// <summary>One scheduler, always the leader (tests, <c>--local</c>).</summary>
internal sealed class SoleApiLeader : IApiLeadership
{
    public bool IsLeader => true;

    public Uri? LeaderApiUrl => null;
}
