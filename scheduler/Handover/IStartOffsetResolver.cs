using Sluice.Scheduler.Planning;

namespace Sluice.Scheduler.Handover;

/// <summary>Where a partition nobody has owned yet starts: the group's committed offset in Kafka, else the reset policy.</summary>
public interface IStartOffsetResolver
{
    Task<long> ResolveAsync(PartitionKey partition, CancellationToken cancellationToken);
}
