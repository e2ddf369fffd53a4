namespace Sluice.ZooKeeper;

/// <summary>The ACL a node is created with.</summary>
public enum NodeAcl
{
    /// <summary>
    /// The client's: creator-only (<c>CREATOR_ALL_ACL</c>) when it has <see cref="ZooKeeperClientOptions.Digest"/>
    /// credentials, open to everyone otherwise.
    /// </summary>
    ClientDefault,

    /// <summary>
    /// Open to everyone (<c>OPEN_ACL_UNSAFE</c>), whatever the client's credentials: for a parent shared by clients
    /// with different credentials, each of which creates (and protects) its own children under it.
    /// </summary>
    Open,
}
