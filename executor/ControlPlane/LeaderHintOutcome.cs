namespace Sluice.Executor.ControlPlane;

/// <summary>What <see cref="SchedulerLink.FollowLeaderHint"/> did with a leader hint.</summary>
internal enum LeaderHintOutcome
{
    /// <summary>The hint names another address: the link dropped what it was doing and connects there now.</summary>
    Switched,

    /// <summary>The link already uses that address but is not connected: it stopped waiting and reconnects now.</summary>
    Reconnecting,

    /// <summary>The link is connected to that address: nothing to do.</summary>
    AlreadyConnected,

    /// <summary>The hint's term is older than the last one applied (a deposed leader's): ignored.</summary>
    Stale,
}
