using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.State;

/// <summary>
/// The typed <see cref="IStateStore"/> over a store of versioned JSON documents addressed by <see cref="StateKey"/>
/// paths. Implementations provide the four document operations with the same semantics: versions start at 0 and
/// grow by one per write; <see cref="StateVersion.New"/> creates; a stale or missing version conflicts.
/// </summary>
internal abstract class DocumentStateStore : IStateStore
{
    /// <summary>The document and its version, or null when absent.</summary>
    protected abstract Task<StoredDocument?> ReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Creates (<see cref="StateVersion.New"/>) or replaces the document at the expected version; returns the new version.</summary>
    protected abstract Task<long> WriteAsync(string key, byte[] data, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Deletes the document at the expected version, together with <paramref name="children"/> (any version) that exist.</summary>
    protected abstract Task DeleteAsync(string key, long expectedVersion, IReadOnlyList<string> children, CancellationToken cancellationToken);

    /// <summary>Names of the documents directly under <paramref name="collection"/>, sorted ordinally.</summary>
    protected abstract Task<IReadOnlyList<string>> ListAsync(string collection, CancellationToken cancellationToken);

    public async Task<Versioned<string>?> GetFrameworkIdAsync(CancellationToken cancellationToken = default) =>
        await GetAsync(StateKey.FrameworkId, StateJsonContext.Default.FrameworkIdRecord, cancellationToken).ConfigureAwait(false) is { } record
            ? new Versioned<string>(record.Value.FrameworkId, record.Version)
            : null;

    public async Task<Versioned<string>> PutFrameworkIdAsync(string frameworkId, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(frameworkId);
        var written = await PutAsync(StateKey.FrameworkId, new FrameworkIdRecord(frameworkId), StateJsonContext.Default.FrameworkIdRecord, expectedVersion, cancellationToken)
            .ConfigureAwait(false);
        return new Versioned<string>(frameworkId, written.Version);
    }

    public Task<IReadOnlyList<string>> ListConsumersAsync(CancellationToken cancellationToken = default) =>
        ListAsync(StateKey.Consumers, cancellationToken);

    public Task<Versioned<ConsumerRecord>?> GetConsumerAsync(string name, CancellationToken cancellationToken = default) =>
        GetAsync(StateKey.Consumer(name), StateJsonContext.Default.ConsumerRecord, cancellationToken);

    public Task<Versioned<ConsumerRecord>> PutConsumerAsync(ConsumerRecord consumer, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        return PutAsync(StateKey.Consumer(consumer.Name), consumer, StateJsonContext.Default.ConsumerRecord, expectedVersion, cancellationToken);
    }

    public Task DeleteConsumerAsync(string name, long expectedVersion, CancellationToken cancellationToken = default) =>
        DeleteAsync(StateKey.Consumer(name), CheckVersion(expectedVersion), [StateKey.Ownership(name)], cancellationToken);

    public Task<Versioned<OwnershipTable>?> GetOwnershipAsync(string consumer, CancellationToken cancellationToken = default) =>
        GetAsync(StateKey.Ownership(consumer), StateJsonContext.Default.OwnershipTable, cancellationToken);

    public Task<Versioned<OwnershipTable>> PutOwnershipAsync(string consumer, OwnershipTable ownership, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ownership);
        return PutAsync(StateKey.Ownership(consumer), ownership, StateJsonContext.Default.OwnershipTable, expectedVersion, cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListDeploymentsAsync(CancellationToken cancellationToken = default) =>
        ListAsync(StateKey.Deployments, cancellationToken);

    public Task<Versioned<Deployment>?> GetDeploymentAsync(string id, CancellationToken cancellationToken = default) =>
        GetAsync(StateKey.Deployment(id), StateJsonContext.Default.Deployment, cancellationToken);

    public Task<Versioned<Deployment>> PutDeploymentAsync(Deployment deployment, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return PutAsync(StateKey.Deployment(deployment.Id), deployment, StateJsonContext.Default.Deployment, expectedVersion, cancellationToken);
    }

    public Task DeleteDeploymentAsync(string id, long expectedVersion, CancellationToken cancellationToken = default) =>
        DeleteAsync(StateKey.Deployment(id), CheckVersion(expectedVersion), [], cancellationToken);

    private async Task<Versioned<T>?> GetAsync<T>(string key, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        if (await ReadAsync(key, cancellationToken).ConfigureAwait(false) is not { } document) return null;
        var value = JsonSerializer.Deserialize(document.Data, type)
                    ?? throw new InvalidDataException($"The stored record '{key}' is JSON null.");
        return new Versioned<T>(value, document.Version);
    }

    private async Task<Versioned<T>> PutAsync<T>(string key, T value, JsonTypeInfo<T> type, long expectedVersion, CancellationToken cancellationToken)
    {
        if (expectedVersion < StateVersion.New) throw new ArgumentOutOfRangeException(nameof(expectedVersion), expectedVersion, "Use StateVersion.New or a version read.");
        var data = JsonSerializer.SerializeToUtf8Bytes(value, type);
        var version = await WriteAsync(key, data, expectedVersion, cancellationToken).ConfigureAwait(false);
        return new Versioned<T>(value, version);
    }

    private static long CheckVersion(long expectedVersion) =>
        expectedVersion >= 0 ? expectedVersion : throw new ArgumentOutOfRangeException(nameof(expectedVersion), expectedVersion, "Deleting needs the version read.");
}

/// <summary>A stored document: UTF-8 JSON and its version.</summary>
internal sealed record StoredDocument(byte[] Data, long Version);
