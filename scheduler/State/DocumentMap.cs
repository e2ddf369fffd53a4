using System.Collections.Immutable;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.State;

/// <summary>
/// The document semantics of the memory and file stores as pure functions over an immutable map (so the file store
/// can persist the next state before making it current).
/// </summary>
internal static class DocumentMap
{
    public static ImmutableSortedDictionary<string, StoredDocument> Empty { get; } =
        ImmutableSortedDictionary.Create<string, StoredDocument>(StringComparer.Ordinal);

    public static ImmutableSortedDictionary<string, StoredDocument> Write(
        ImmutableSortedDictionary<string, StoredDocument> map, string key, byte[] data, long expectedVersion, out long version)
    {
        var exists = map.TryGetValue(key, out var current);
        if (expectedVersion == StateVersion.New)
        {
            if (exists) throw new StateConflictException(key, expectedVersion, $"it already exists at version {current!.Version}");
            if (StateKey.RequiredParent(key) is { } parent && !map.ContainsKey(parent))
            {
                throw new StateConflictException(key, expectedVersion, $"'{parent}' does not exist");
            }

            version = 0;
        }
        else
        {
            if (!exists) throw new StateConflictException(key, expectedVersion, "it does not exist");
            if (current!.Version != expectedVersion) throw new StateConflictException(key, expectedVersion, $"it is at version {current.Version}");
            version = current.Version + 1;
        }

        return map.SetItem(key, new StoredDocument(data, version));
    }

    public static ImmutableSortedDictionary<string, StoredDocument> Delete(
        ImmutableSortedDictionary<string, StoredDocument> map, string key, long expectedVersion, IReadOnlyList<string> children)
    {
        if (!map.TryGetValue(key, out var current)) throw new StateConflictException(key, expectedVersion, "it does not exist");
        if (current.Version != expectedVersion) throw new StateConflictException(key, expectedVersion, $"it is at version {current.Version}");
        return map.Remove(key).RemoveRange(children);
    }

    public static IReadOnlyList<string> List(ImmutableSortedDictionary<string, StoredDocument> map, string collection)
    {
        var prefix = collection + "/";
        return map.Keys
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.IndexOf('/', prefix.Length) < 0)
            .Select(k => k[prefix.Length..])
            .ToList();
    }
}
