using Confluent.Kafka;
using Sluice.Consumer;
using Sluice.Consumer.Ownership;
using Sluice.Consumer.Progress;

namespace Sluice.Executor.ControlPlane;

/// <summary>The consumer core as the scheduler link's partition owner.</summary>
internal sealed class ConsumerPartitionOwner(SluiceConsumer consumer) : IPartitionOwner
{
    public IReadOnlyList<PartitionProgress> GetProgress() => consumer.GetProgress();

    public Task<AssignResult> AssignAsync(TopicPartition topicPartition, long startOffset, long epoch, CancellationToken cancellationToken) =>
        consumer.AssignAsync(topicPartition, startOffset, epoch, cancellationToken);

    public Task<ReleaseResult> ReleaseAsync(TopicPartition topicPartition, long epoch, TimeSpan timeout, CancellationToken cancellationToken) =>
        consumer.ReleaseAsync(topicPartition, epoch, timeout, cancellationToken);

    public Task<FenceResult> FenceAsync(TimeSpan drainTimeout, CancellationToken cancellationToken) => consumer.FenceAsync(drainTimeout, cancellationToken);
}
