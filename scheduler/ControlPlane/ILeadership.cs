namespace Sluice.Scheduler.ControlPlane;

/// <summary>What the control plane needs to know of leader election.</summary>
public interface ILeadership
{
    /// <summary>True while this instance leads and may command executors.</summary>
    bool IsLeader { get; }

    /// <summary>The leader's control-plane address (<c>host:port</c>) for a standby's redirect; null when unknown.</summary>
    string? LeaderControlPlaneAddress { get; }
}

/// <summary>A scheduler that is always the leader: one instance, no election (tests, <c>--local</c>).</summary>
public sealed class SoleLeader : ILeadership
{
    public bool IsLeader => true;

    public string? LeaderControlPlaneAddress => null;
}
