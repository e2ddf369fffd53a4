using Sluice.Scheduler.Planning;

namespace Sluice.Scheduler.Engine;

/// <summary>The partitions of a consumer's topics, from Kafka metadata.</summary>
internal interface IPartitionSource
{
    /// <summary>Every partition of <paramref name="topics"/> that exists; a topic Kafka does not know has none.</summary>
    Task<IReadOnlyList<PartitionKey>> GetPartitionsAsync(IReadOnlyList<string> topics, CancellationToken cancellationToken);
}
