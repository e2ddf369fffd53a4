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

    /// <summary>Self-fencing: see <see cref="Sluice.Consumer.SluiceConsumer.FenceAsync"/>. A fenced partition comes back by <see cref="AssignAsync"/>.</summary>
    Task<FenceResult> FenceAsync(TimeSpan drainTimeout, CancellationToken cancellationToken);
}
