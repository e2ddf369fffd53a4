namespace Sluice.Scheduler.Leadership;

/// <summary>
/// Whether this scheduler may command, whatever the state store: <see cref="LeaderElection"/> over ZooKeeper
/// (several schedulers, one leads), <see cref="SoleLeadership"/> for the file and memory stores (one scheduler).
/// </summary>
internal interface ILeadership : IAsyncDisposable
{
    LeadershipState State { get; }

    /// <summary>True while leading and able to command (connected).</summary>
    bool CanCommand { get; }

    /// <summary>
    /// The leadership term this scheduler holds or stands for: greater for every later leader of the framework, so
    /// executors can tell a deposed leader's word from the current one's (leader hints). At least 1.
    /// </summary>
    long Term { get; }

    /// <summary>Cancelled when the current command term ends; already cancelled when not leading.</summary>
    CancellationToken CommandToken { get; }

    /// <summary>Raised on every state change, in order, on a thread-pool thread.</summary>
    event EventHandler<LeadershipState>? StateChanged;

    /// <summary>Completes when this scheduler leads.</summary>
    Task WhenLeaderAsync(CancellationToken cancellationToken = default);

    /// <summary>The leader's published addresses (for redirecting clients), or null when none leads.</summary>
    Task<LeaderInfo?> GetLeaderAsync(CancellationToken cancellationToken = default);
}
