using System.Collections.Concurrent;
using Confluent.Kafka;
using Sluice.Testing.Kafka;

namespace Sluice.Consumer.Tests.Kafka;

/// <summary>Producing records and building consumers against the fixture's Kafka.</summary>
internal static class TestKafka
{
    public static ConsumerConfig ConsumerConfig(KafkaFixture fixture) => new()
    {
        BootstrapServers = fixture.BootstrapServers,
        GroupId = $"test-{Guid.NewGuid():N}",
        FetchWaitMaxMs = fixture.FetchWaitMaxMs,
        AutoOffsetReset = AutoOffsetReset.Latest, // every assignment names its offset: a fall-back to the reset policy must show up as skipped records
    };

    public static SluiceConsumerBuilder Builder(KafkaFixture fixture, SluiceConsumerOptions options, ConsumerConfig? config = null) =>
        new SluiceConsumerBuilder(config ?? ConsumerConfig(fixture))
            .SetOptions(options)
            .SetMetricsRegistry(Prometheus.Metrics.NewCustomRegistry());

    public static IProducer<byte[]?, byte[]?> Producer(KafkaFixture fixture) =>
        new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = fixture.BootstrapServers, LingerMs = 2, Acks = Acks.All }).Build();

    /// <summary>Produces <paramref name="count"/> records round-robin over the partitions; returns their offsets per partition.</summary>
    public static async Task<ConcurrentDictionary<int, List<long>>> ProduceAsync(
        KafkaFixture fixture, string topic, int partitions, int count, Func<int, byte[]?>? key = null, Func<int, byte[]?>? value = null, int valueBytes = 16)
    {
        using var producer = Producer(fixture);
        var tasks = new List<Task<DeliveryResult<byte[]?, byte[]?>>>(count);
        for (var i = 0; i < count; i++)
        {
            tasks.Add(producer.ProduceAsync(new TopicPartition(topic, i % partitions), new Message<byte[]?, byte[]?>
            {
                Key = key?.Invoke(i),
                Value = value?.Invoke(i) ?? new byte[valueBytes],
            }));
        }
        var results = await Task.WhenAll(tasks);
        var offsets = new ConcurrentDictionary<int, List<long>>();
        foreach (var r in results)
        {
            offsets.GetOrAdd(r.Partition.Value, _ => []).Add(r.Offset.Value);
        }
        return offsets;
    }

    /// <summary>The group's committed offset of a partition, read with a separate client.</summary>
    public static long Committed(KafkaFixture fixture, string groupId, string topic, int partition)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = fixture.BootstrapServers, GroupId = groupId }).Build();
        return consumer.Committed([new TopicPartition(topic, partition)], TimeSpan.FromSeconds(10)).Single().Offset.Value;
    }

    public static void PinAll(SluiceConsumerOptions options, string topic, int partitions, long? start = 0)
    {
        for (var p = 0; p < partitions; p++)
        {
            options.StaticAssignment.Add(new Ownership.PinnedPartition(topic, p, start));
        }
    }
}

