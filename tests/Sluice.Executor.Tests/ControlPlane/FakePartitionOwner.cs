using System.Collections.Concurrent;
using Confluent.Kafka;
using Sluice.Consumer.Ownership;
using Sluice.Consumer.Progress;
using Sluice.Executor.ControlPlane;

namespace Sluice.Executor.Tests.ControlPlane;

/// <summary>
/// Stands in for the consumer core in tests of the link's protocol logic: holds epochs as the core
/// does (a lower epoch is stale) and fences as it does (a fenced partition comes back by an Assign).
/// </summary>
internal sealed class FakePartitionOwner : IPartitionOwner
{
    private readonly ConcurrentDictionary<TopicPartition, (long Epoch, bool Fenced, long Start)> _held = new();

    public volatile bool Fenced;
    public int FenceChanges;

    public void Hold(string topic, int partition, long epoch) => _held[new TopicPartition(topic, partition)] = (epoch, false, -1);

    public bool IsFenced(string topic, int partition) => _held.TryGetValue(new TopicPartition(topic, partition), out var held) && held.Fenced;

    /// <summary>The offset the last Assign of the partition started at.</summary>
    public long StartOf(string topic, int partition) => _held.TryGetValue(new TopicPartition(topic, partition), out var held) ? held.Start : -1;

    public IReadOnlyList<PartitionProgress> GetProgress() =>
        _held.Select(kv => new PartitionProgress(kv.Key.Topic, kv.Key.Partition.Value, kv.Value.Epoch,
            kv.Value.Fenced ? PartitionState.Fenced : PartitionState.Owned, 10, 9, 20, 10, 0, 0, 0, 0)).ToList();

    public Task<AssignResult> AssignAsync(TopicPartition topicPartition, long startOffset, long epoch, CancellationToken cancellationToken)
    {
        if (_held.TryGetValue(topicPartition, out var held) && epoch < held.Epoch)
        {
            return Task.FromResult(new AssignResult(AssignOutcome.StaleEpoch, topicPartition, epoch, held.Epoch));
        }
        _held[topicPartition] = (epoch, false, startOffset);
        Fenced = _held.Values.Any(h => h.Fenced);
        return Task.FromResult(new AssignResult(AssignOutcome.Assigned, topicPartition, epoch, epoch));
    }

    public Task<ReleaseResult> ReleaseAsync(TopicPartition topicPartition, long epoch, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_held.TryGetValue(topicPartition, out var held))
        {
            return Task.FromResult(new ReleaseResult(ReleaseOutcome.NotOwned, topicPartition, epoch, -1, false, TimeSpan.Zero));
        }
        if (epoch < held.Epoch)
        {
            return Task.FromResult(new ReleaseResult(ReleaseOutcome.StaleEpoch, topicPartition, epoch, -1, false, TimeSpan.Zero));
        }
        _held.TryRemove(topicPartition, out _);
        return Task.FromResult(new ReleaseResult(ReleaseOutcome.Released, topicPartition, epoch, 100 + topicPartition.Partition.Value, false, TimeSpan.FromMilliseconds(1)));
    }

    public Task<FenceResult> FenceAsync(TimeSpan drainTimeout, CancellationToken cancellationToken)
    {
        var fenced = 0;
        foreach (var (partition, held) in _held)
        {
            if (!held.Fenced)
            {
                _held[partition] = held with { Fenced = true };
                fenced++;
            }
        }
        Fenced = true;
        Interlocked.Increment(ref FenceChanges);
        return Task.FromResult(new FenceResult(fenced, true, true, TimeSpan.FromMilliseconds(1)));
    }
}
