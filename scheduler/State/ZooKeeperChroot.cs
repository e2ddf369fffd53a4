using Sluice.ZooKeeper;

namespace Sluice.Scheduler.State;

/// <summary>
/// <c>--zk host:port/some/chroot</c>: ZooKeeper's client resolves every path under the chroot, and fails with NoNode
/// when the chroot itself does not exist. Like Mesos and Marathon, the scheduler creates it first (open ACL, as
/// a parent other clients may share), through a short session without the chroot.
/// </summary>
internal static class ZooKeeperChroot
{
    /// <summary>The chroot of a connection string (<c>/some/chroot</c>), or null without one.</summary>
    public static string? Of(string connectionString)
    {
        var slash = connectionString.IndexOf('/', StringComparison.Ordinal);
        var chroot = slash < 0 ? null : connectionString[slash..].TrimEnd('/');
        return string.IsNullOrEmpty(chroot) ? null : chroot;
    }

    public static async Task EnsureAsync(ZooKeeperClientOptions options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (Of(options.ConnectionString) is not { } chroot)
        {
            return;
        }
        var hosts = options.ConnectionString[..options.ConnectionString.IndexOf('/', StringComparison.Ordinal)];
        await using var client = await ZooKeeperClient.ConnectAsync(options with { ConnectionString = hosts }, loggers, cancellationToken).ConfigureAwait(false);
        await client.EnsurePathAsync(chroot, NodeAcl.Open, cancellationToken).ConfigureAwait(false);
    }
}
