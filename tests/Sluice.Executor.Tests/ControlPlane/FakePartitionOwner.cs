using System.Collections.Concurrent;
using Confluent.Kafka;
using Sluice.Consumer.Ownership;
using Sluice.Consumer.Progress;
using Sluice.Executor.ControlPlane;

namespace Sluice.Executor.Tests.ControlPlane;

/// <summary>
/// Stands in for the consumer core in tests of the link's protocol logic: holds epochs as the core
/// does (a lower epoch is stale) and records fencing.
/// </summary>
internal sealed class FakePartitionOwner : IPartitionOwner
{
    private readonly ConcurrentDictionary<TopicPartition, long> _held = new();

    public volatile bool Fenced;
    public int FenceChanges;

    public void Hold(string topic, int partition, long epoch) => _held[new TopicPartition(topic, partition)] = epoch;

    public IReadOnlyList<PartitionProgress> GetProgress() =>
        _held.Select(kv => new PartitionProgress(kv.Key.Topic, kv.Key.Partition.Value, kv.Value, PartitionState.Owned, 10, 9, 20, 10, 0, 0, 0, 0)).ToList();

    public Task<AssignResult> AssignAsync(TopicPartition topicPartition, long startOffset, long epoch, CancellationToken cancellationToken)
    {
        if (_held.TryGetValue(topicPartition, out var held) && epoch < held)
        {
            return Task.FromResult(new AssignResult(AssignOutcome.StaleEpoch, topicPartition, epoch, held));
        }
        _held[topicPartition] = epoch;
        return Task.FromResult(new AssignResult(AssignOutcome.Assigned, topicPartition, epoch, epoch));
    }

    public Task<ReleaseResult> ReleaseAsync(TopicPartition topicPartition, long epoch, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_held.TryGetValue(topicPartition, out var held))
        {
            return Task.FromResult(new ReleaseResult(ReleaseOutcome.NotOwned, topicPartition, epoch, -1, false, TimeSpan.Zero));
        }
        if (epoch < held)
        {
            return Task.FromResult(new ReleaseResult(ReleaseOutcome.StaleEpoch, topicPartition, epoch, -1, false, TimeSpan.Zero));
        }
        _held.TryRemove(topicPartition, out _);
        return Task.FromResult(new ReleaseResult(ReleaseOutcome.Released, topicPartition, epoch, 100 + topicPartition.Partition.Value, false, TimeSpan.FromMilliseconds(1)));
    }

    public Task SetFencedAsync(bool fenced, CancellationToken cancellationToken)
    {
        Fenced = fenced;
        Interlocked.Increment(ref FenceChanges);
        return Task.CompletedTask;
    }
}
