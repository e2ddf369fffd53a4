using Confluent.Kafka;
using Sluice.Consumer.Ownership;
using Sluice.Consumer.Progress;

namespace Sluice.Executor.ControlPlane;

/// <summary>What the scheduler link drives: the consumer core's ownership operations.</summary>
internal interface IPartitionOwner
{
    IReadOnlyList<PartitionProgress> GetProgress();

    Task<AssignResult> AssignAsync(TopicPartition topicPartition, long startOffset, long epoch, CancellationToken cancellationToken);

    Task<ReleaseResult> ReleaseAsync(TopicPartition topicPartition, long epoch, TimeSpan timeout, CancellationToken cancellationToken);

    Task SetFencedAsync(bool fenced, CancellationToken cancellationToken);
}
