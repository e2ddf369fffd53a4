using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.State;

/// <summary>
/// What the scheduler persists (DESIGN.md §4), each record versioned for optimistic concurrency: pass
/// <see cref="StateVersion.New"/> to create, the version read to update or delete; a stale version throws
/// <see cref="StateConflictException"/>. Implementations: ZooKeeper (production; every write fenced by the leader's
/// token), file (<c>--local</c>), memory (unit tests).
/// </summary>
internal interface IStateStore
{
    Task<Versioned<string>?> GetFrameworkIdAsync(CancellationToken cancellationToken = default);

    Task<Versioned<string>> PutFrameworkIdAsync(string frameworkId, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Names of the stored consumers, sorted.</summary>
    Task<IReadOnlyList<string>> ListConsumersAsync(CancellationToken cancellationToken = default);

    Task<Versioned<ConsumerRecord>?> GetConsumerAsync(string name, CancellationToken cancellationToken = default);

    Task<Versioned<ConsumerRecord>> PutConsumerAsync(ConsumerRecord consumer, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Deletes a consumer and, with it, its ownership record.</summary>
    Task DeleteConsumerAsync(string name, long expectedVersion, CancellationToken cancellationToken = default);

    Task<Versioned<OwnershipTable>?> GetOwnershipAsync(string consumer, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a consumer's partition ownership: the write that moves partitions, one atomic record. The consumer
    /// must exist (otherwise <see cref="StateConflictException"/>).
    /// </summary>
    Task<Versioned<OwnershipTable>> PutOwnershipAsync(string consumer, OwnershipTable ownership, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Ids of the stored deployments, sorted.</summary>
    Task<IReadOnlyList<string>> ListDeploymentsAsync(CancellationToken cancellationToken = default);

    Task<Versioned<Deployment>?> GetDeploymentAsync(string id, CancellationToken cancellationToken = default);

    Task<Versioned<Deployment>> PutDeploymentAsync(Deployment deployment, long expectedVersion, CancellationToken cancellationToken = default);

    Task DeleteDeploymentAsync(string id, long expectedVersion, CancellationToken cancellationToken = default);
}
