namespace Sluice.ZooKeeper;

/// <summary>Recipes over <see cref="IZooKeeperClient"/>.</summary>
public static class ZooKeeperClientExtensions
{
    /// <summary>Creates <paramref name="path"/> and its missing ancestors as empty persistent nodes (like <c>mkdir -p</c>).</summary>
    public static Task EnsurePathAsync(this IZooKeeperClient client, string path, CancellationToken cancellationToken = default) =>
        client.EnsurePathAsync(path, NodeAcl.ClientDefault, cancellationToken);

    /// <summary>
    /// Creates <paramref name="path"/> and its missing ancestors as empty persistent nodes with the ACL
    /// <paramref name="acl"/>; nodes that exist keep theirs.
    /// </summary>
    public static async Task EnsurePathAsync(this IZooKeeperClient client, string path, NodeAcl acl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path[0] != '/') throw new ArgumentException($"A ZooKeeper path must be absolute: '{path}'.", nameof(path));
        var end = 0;
        while (end < path.Length)
        {
            end = path.IndexOf('/', end + 1);
            if (end < 0) end = path.Length;
            var prefix = path[..end];
            if (await client.ExistsAsync(prefix, cancellationToken).ConfigureAwait(false) is not null) continue;
            try
            {
                await client.CreateAsync(prefix, default, CreateMode.Persistent, acl, cancellationToken).ConfigureAwait(false);
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NodeExists)
            {
                // created concurrently: fine
            }
        }
    }
}
