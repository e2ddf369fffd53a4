using Sluice.ZooKeeper;

namespace Sluice.Scheduler.Detection;

/// <summary>
/// A Mesos master URL of the form <c>zk://[user:password@]host:port[,host:port…]/path</c> (MESOS.md §4): the ZooKeeper
/// ensemble, the group path the masters register under, and optional digest credentials.
/// </summary>
internal sealed record ZooKeeperMasterUrl(string ConnectionString, string Path, DigestCredentials? Credentials)
{
    public const string Scheme = "zk://";

    public static bool IsZooKeeperUrl(string url) => url.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    public static ZooKeeperMasterUrl Parse(string url)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        if (!IsZooKeeperUrl(url)) throw new FormatException($"'{url}' is not a zk:// URL.");
        var rest = url[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || slash == rest.Length - 1) throw new FormatException($"'{url}' has no znode path (e.g. zk://host:2181/mesos).");
        var authority = rest[..slash];
        var path = rest[slash..].TrimEnd('/');
        DigestCredentials? credentials = null;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) throw new FormatException($"'{url}': credentials must be user:password.");
            credentials = new DigestCredentials(Uri.UnescapeDataString(userInfo[..colon]), Uri.UnescapeDataString(userInfo[(colon + 1)..]));
        }

        var hosts = authority.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (hosts.Length == 0) throw new FormatException($"'{url}' names no ZooKeeper host.");
        foreach (var host in hosts)
        {
            var colon = host.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(host[(colon + 1)..], out var port) || port is <= 0 or > 65535)
            {
                throw new FormatException($"'{url}': '{host}' is not host:port.");
            }
        }

        return new ZooKeeperMasterUrl(string.Join(',', hosts), path, credentials);
    }

    public override string ToString() => $"{Scheme}{ConnectionString}{Path}";
}
