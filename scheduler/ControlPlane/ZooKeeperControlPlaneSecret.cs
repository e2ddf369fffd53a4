using System.Text;
using Microsoft.Extensions.Logging;
using Sluice.Scheduler.State;
using Sluice.ZooKeeper;

namespace Sluice.Scheduler.ControlPlane;

/// <summary>
/// The control-plane secret kept in ZooKeeper at <c>/sluice/&lt;framework&gt;/control-plane-secret</c>, so every
/// scheduler of an HA set, leader or standby, hands executors the same secret and a new leader accepts the
/// executors the last one launched. The first scheduler to start creates it; every later one reads it.
/// </summary>
/// <remarks>
/// The node gets the session's ACL: creator-only with <c>--zk-auth</c>, else open to anyone who reaches ZooKeeper
/// (logged as a warning on every start). Creating it is not fenced by leadership: standbys may start first, and
/// the create (or the fill of a node found empty) is conditional, so concurrent first starts end with one secret.
/// </remarks>
internal static partial class ZooKeeperControlPlaneSecret
{
    private const int Attempts = 5;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Reads the framework's secret, creating it when it does not exist yet.</summary>
    /// <param name="authenticated">The session has digest credentials (<c>--zk-auth</c>), so the node is creator-only.</param>
    /// <remarks>The framework's root node must exist (<see cref="ZooKeeperStateStore.InitializeAsync"/>).</remarks>
    public static async Task<string> ReadOrCreateAsync(IZooKeeperClient client, string framework, bool authenticated, ILogger logger,
        CancellationToken cancellationToken)
    {
        var path = ZooKeeperLayout.ControlPlaneSecret(framework);
        if (!authenticated)
        {
            LogReadableByAnyone(logger, path);
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var node = await ReadAsync(client, path, cancellationToken).ConfigureAwait(false);
                var kept = node is null ? "" : Encoding.UTF8.GetString(node.Data).Trim();
                if (kept.Length > 0)
                {
                    return kept;
                }
                var secret = ControlPlaneSecret.New();
                var data = Encoding.UTF8.GetBytes(secret);
                if (node is null)
                {
                    await client.CreateAsync(path, data, CreateMode.Persistent, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // Found empty (created by hand, or a write cut short): fill it, unless another scheduler does first.
                    await client.SetAsync(path, data, node.Stat.Version, cancellationToken).ConfigureAwait(false);
                }
                LogCreated(logger, path);
                return secret;
            }
            catch (ZooKeeperException e) when (e.Code is ZooKeeperErrorCode.NodeExists or ZooKeeperErrorCode.BadVersion && attempt < Attempts)
            {
                // Another scheduler stored its secret first: read that one.
            }
            catch (ZooKeeperException e) when (e.IsTransient && attempt < Attempts)
            {
                // A create may have been applied unheard: the next read finds it.
                await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<ZNodeData?> ReadAsync(IZooKeeperClient client, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
        {
            return null;
        }
    }

    [LoggerMessage(EventName = "ControlPlaneSecretCreated", Level = LogLevel.Information,
        Message = "Generated the framework's control-plane secret and stored it in {Path}")]
    private static partial void LogCreated(ILogger logger, string path);

    [LoggerMessage(EventName = "ControlPlaneSecretReadableByAnyone", Level = LogLevel.Warning,
        Message = "The control-plane secret in {Path} is readable by anyone who can reach ZooKeeper: start every scheduler with --zk-auth to make it creator-only, or set --control-plane-secret")]
    private static partial void LogReadableByAnyone(ILogger logger, string path);
}
