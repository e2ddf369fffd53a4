using Microsoft.Extensions.Logging;

namespace Sluice.ZooKeeper;

/// <summary>How to connect a <see cref="ZooKeeperClient"/>.</summary>
public sealed record ZooKeeperClientOptions
{
    /// <summary>
    /// <c>host:port[,host:port…][/chroot]</c>. With a chroot every path is relative to it; the chroot node must exist.
    /// </summary>
    public required string ConnectionString { get; init; }

    /// <summary>Requested session timeout; the server negotiates it into its [2, 20] × tickTime range.</summary>
    /// <value>Default 10 s.</value>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <see cref="ZooKeeperClient.ConnectAsync"/> waits for the first connection.</summary>
    /// <value>Default 15 s.</value>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Optional digest credentials; nodes are then created with the creator-only ACL.</summary>
    public DigestCredentials? Digest { get; init; }

    /// <summary>Attach to an existing session instead of creating one (see <see cref="ZooKeeperSession"/>).</summary>
    public ZooKeeperSession? Session { get; init; }

    /// <summary>Time source for the connect timeout (tests may fake it).</summary>
    /// <value>Default <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The C client's log level. Process-wide: the C library keeps one level for all handles (the last client
    /// created sets it). Its lines go to the <c>Sluice.ZooKeeper.Native</c> logger.
    /// </summary>
    /// <value>Default <see cref="LogLevel.Warning"/> (ERROR and WARN lines).</value>
    public LogLevel NativeLogLevel { get; init; } = LogLevel.Warning;
}
