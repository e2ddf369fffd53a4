using System.Collections.Concurrent;

namespace Sluice.ZooKeeper.Native;

/// <summary>Live clients by the key passed as the session watcher's context (registered before <c>zookeeper_init2</c>).</summary>
internal static class ClientRegistry
{
    private static readonly ConcurrentDictionary<long, ZooKeeperClient> Clients = new();

    public static void Add(long key, ZooKeeperClient client) => Clients[key] = client;

    public static void Remove(long key) => Clients.TryRemove(key, out _);

    public static ZooKeeperClient? Find(long key) => Clients.TryGetValue(key, out var client) ? client : null;
}
