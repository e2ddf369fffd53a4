namespace Sluice.Scheduler.Leadership;

/// <summary>Where a <see cref="LeaderElection"/> contender stands.</summary>
internal enum LeadershipState
{
    /// <summary>Not started yet.</summary>
    Idle,

    /// <summary>Standing by: its node is not the lowest; it watches its predecessor.</summary>
    Standby,

    /// <summary>Its node is the lowest and the session is connected: it may command and write state.</summary>
    Leader,

    /// <summary>
    /// Its node is the lowest but the connection is lost: it must stop commanding until reconnected (the session,
    /// and with it the leadership, may already be gone on the server).
    /// </summary>
    Suspended,

    /// <summary>The session expired or the election node vanished: final for this contender (build a new client and election).</summary>
    Lost,

    /// <summary>The contender resigned (disposed): final.</summary>
    Resigned,
}
