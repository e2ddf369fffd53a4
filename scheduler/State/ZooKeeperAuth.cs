using Sluice.ZooKeeper;

namespace Sluice.Scheduler.State;

/// <summary>
/// <c>--zk-auth digest:user:password</c>: the ZooKeeper credentials of Sluice's session. With them every znode
/// under <c>/sluice/&lt;framework&gt;</c> is created with the creator-only ACL (<c>CREATOR_ALL_ACL</c>), so a
/// session without the same credentials can neither read nor change the framework's state.
/// </summary>
internal static class ZooKeeperAuth
{
    public const string Scheme = "digest";

    /// <summary>The credentials in <paramref name="value"/>, or null when it is not <c>digest:user:password</c>.</summary>
    /// <remarks>The user ends at the second colon; the password may contain colons (ZooKeeper splits the same way).</remarks>
    public static DigestCredentials? Parse(string? value)
    {
        if (value is null || !value.StartsWith(Scheme + ":", StringComparison.Ordinal))
        {
            return null;
        }
        var credentials = value[(Scheme.Length + 1)..];
        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && colon < credentials.Length - 1
            ? new DigestCredentials(credentials[..colon], credentials[(colon + 1)..])
            : null;
    }
}
