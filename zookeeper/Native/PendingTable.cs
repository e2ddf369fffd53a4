using System.Collections.Concurrent;

namespace Sluice.ZooKeeper.Native;

/// <summary>
/// Process-wide table of the operations and watches handed to the C client, keyed by a 64-bit id (the C client's
/// opaque <c>data</c> pointer). An id, unlike a GCHandle, can be looked up safely when unknown or seen twice, and
/// the table can be swept on close for completions the C client drops.
/// </summary>
internal static class PendingTable
{
    private static readonly ConcurrentDictionary<long, PendingEntry> Entries = new();
    private static long s_lastId;

    /// <summary>Entries of every client in the process.</summary>
    public static int Count => Entries.Count;

    public static long NextId() => Interlocked.Increment(ref s_lastId);

    public static long Add(PendingEntry entry)
    {
        var id = NextId();
        entry.Owner.OnPendingAdded();
        Entries[id] = entry;
        return id;
    }

    /// <summary>Removes and returns the entry, or null when it was already taken (the caller then does nothing).</summary>
    public static PendingEntry? Take(long id)
    {
        if (!Entries.TryRemove(id, out var entry)) return null;
        entry.Owner.OnPendingRemoved();
        return entry;
    }

    /// <summary>Fails every entry of <paramref name="owner"/> still in the table; returns how many there were.</summary>
    public static int Sweep(ZooKeeperClient owner, Func<PendingEntry, Exception> failure)
    {
        var swept = 0;
        foreach (var (id, entry) in Entries)
        {
            if (!ReferenceEquals(entry.Owner, owner) || Take(id) is not { } taken) continue;
            taken.Fail(failure(taken));
            swept++;
        }

        return swept;
    }
}
