namespace Sluice.ZooKeeper;

/// <summary>The session state a <see cref="IZooKeeperClient"/> reports.</summary>
public enum ZooKeeperState
{
    /// <summary>Looking for a server (initially, and after losing the connection while the session may still live).</summary>
    Connecting,

    /// <summary>Connected with a live session.</summary>
    Connected,

    /// <summary>
    /// The connection was lost; the client reconnects on its own and the session (with its ephemeral nodes and
    /// watches) survives if it reconnects within the session timeout. Reported as <see cref="Connecting"/> by the
    /// C client; surfaced separately once a session had been connected.
    /// </summary>
    Disconnected,

    /// <summary>The server expired the session: final for this client object; build a new one.</summary>
    Expired,

    /// <summary>Authentication failed: final for this client object.</summary>
    AuthFailed,

    /// <summary>The client was disposed.</summary>
    Closed,
}
