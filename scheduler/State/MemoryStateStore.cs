using System.Collections.Immutable;

namespace Sluice.Scheduler.State;

/// <summary>An in-process <see cref="IStateStore"/> for unit tests: same versioning semantics, nothing persisted, no fencing.</summary>
internal sealed class MemoryStateStore : DocumentStateStore
{
    private readonly Lock _gate = new();
    private ImmutableSortedDictionary<string, StoredDocument> _documents = DocumentMap.Empty;

    protected override Task<StoredDocument?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(_documents.GetValueOrDefault(key));
    }

    protected override Task<long> WriteAsync(string key, byte[] data, long expectedVersion, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _documents = DocumentMap.Write(_documents, key, data, expectedVersion, out var version);
            return Task.FromResult(version);
        }
    }

    protected override Task DeleteAsync(string key, long expectedVersion, IReadOnlyList<string> children, CancellationToken cancellationToken)
    {
        lock (_gate) _documents = DocumentMap.Delete(_documents, key, expectedVersion, children);
        return Task.CompletedTask;
    }

    protected override Task<IReadOnlyList<string>> ListAsync(string collection, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(DocumentMap.List(_documents, collection));
    }
}
