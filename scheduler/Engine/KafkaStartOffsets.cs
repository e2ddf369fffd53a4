using Confluent.Kafka;
using Sluice.Scheduler.Handover;
using Sluice.Scheduler.Planning;

namespace Sluice.Scheduler.Engine;

/// <summary>
/// Where a partition nobody owned yet starts (DESIGN.md §4): the group's committed offset in Kafka,
/// else the partition's earliest offset, so nothing already in the topic is skipped.
/// </summary>
internal sealed class KafkaStartOffsets(string bootstrapServers, string groupId) : IStartOffsetResolver, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly Lazy<IConsumer<Ignore, Ignore>> _consumer = new(() => new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
    {
        BootstrapServers = bootstrapServers,
        GroupId = groupId,
        EnableAutoCommit = false,
        AllowAutoCreateTopics = false,
    }).Build());
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<long> ResolveAsync(PartitionKey partition, CancellationToken cancellationToken)
    {
        // One Confluent consumer is not safe for concurrent calls; handovers run in parallel.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() =>
            {
                var tp = new TopicPartition(partition.Topic, partition.Partition);
                var committed = _consumer.Value.Committed([tp], Timeout).Single().Offset;
                if (committed.Value >= 0)
                {
                    return committed.Value;
                }
                return _consumer.Value.QueryWatermarkOffsets(tp, Timeout).Low.Value;
            }, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        if (_consumer.IsValueCreated)
        {
            _consumer.Value.Close();
            _consumer.Value.Dispose();
        }
    }
}
