using Sluice.ZooKeeper;

namespace Sluice.Testing.ZooKeeper;

/// <summary>
/// Expires a live session on demand (the twin-handle technique): a second client attaches to the victim's session
/// id and password, then closes it, which makes the server end the session. The victim sees
/// <see cref="ZooKeeperState.Expired"/> within a few hundred milliseconds. (Restarting a standalone server does not
/// expire sessions: it restores them.)
/// </summary>
public static class SessionExpiry
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan AttemptWait = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Expires <paramref name="victim"/>'s session and waits until <paramref name="until"/> holds (by default: the
    /// victim reports <see cref="ZooKeeperState.Expired"/>). A victim whose connection the server kept open can take
    /// seconds (its next ping) to learn it; pass a condition to act in that window (a "zombie" client).
    /// </summary>
    /// <remarks>
    /// The victim, disconnected by the twin's attach, may reconnect and take the session back before the twin
    /// closes it; then the close does not end the session. So the attach-and-close is repeated (bounded) until the
    /// victim reports <see cref="ZooKeeperState.Expired"/>.
    /// </remarks>
    public static async Task ExpireAsync(IZooKeeperClient victim, string connectionString, Func<bool>? until = null, TimeSpan? timeout = null)
    {
        var session = victim.Session ?? throw new InvalidOperationException("The victim has no session yet (never connected).");
        var options = new ZooKeeperClientOptions
        {
            ConnectionString = connectionString,
            Session = session,
            SessionTimeout = victim.NegotiatedSessionTimeout > TimeSpan.Zero ? victim.NegotiatedSessionTimeout : TimeSpan.FromSeconds(4),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        // Closed counts: an owner may dispose the victim as soon as it sees the expiry.
        until ??= () => victim.State is ZooKeeperState.Expired or ZooKeeperState.Closed;
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!until())
        {
            try
            {
                await using var twin = await ZooKeeperClient.ConnectAsync(options).ConfigureAwait(false);
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.SessionExpired)
            {
                // The session is already gone; the victim learns it when it reconnects.
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero) break;
            try
            {
                await Eventually.TrueAsync(until, remaining < AttemptWait ? remaining : AttemptWait, "expiry").ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // the victim took the session back: attach and close again
            }
        }

        if (!until())
        {
            throw new TimeoutException($"The victim's session {session} did not expire (as observed) within {(timeout ?? DefaultTimeout).TotalSeconds:0} s.");
        }
    }
}
