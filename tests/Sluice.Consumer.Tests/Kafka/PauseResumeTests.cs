using Sluice.Testing;
using Sluice.Testing.Kafka;
using Xunit.Abstractions;

namespace Sluice.Consumer.Tests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class PauseResumeTests(KafkaFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [InlineData(60_000, 500, false)]
    [InlineData(120_000, 10_000, true)] // producer batches of ~8k records: pauses land inside a batch
    public async Task Reservoir_ManyPauseResumeCycles_EveryRecordProcessedOnce(int records, int maxMessages, bool bigBatches)
    {
        const int partitions = 6;
        var topic = await fixture.CreateTopicAsync("pause-resume", partitions);
        if (bigBatches)
        {
            using var producer = new Confluent.Kafka.ProducerBuilder<byte[]?, byte[]?>(new Confluent.Kafka.ProducerConfig
            {
                BootstrapServers = fixture.BootstrapServers, LingerMs = 200, BatchSize = 1_000_000, Acks = Confluent.Kafka.Acks.Leader,
            }).Build();
            for (var i = 0; i < records; i++)
            {
                producer.Produce(new Confluent.Kafka.TopicPartition(topic, i % partitions), new Confluent.Kafka.Message<byte[]?, byte[]?> { Key = BitConverter.GetBytes(i), Value = new byte[100] });
            }
            producer.Flush(TimeSpan.FromSeconds(30));
        }
        else
        {
            await TestKafka.ProduceAsync(fixture, topic, partitions, records);
        }
        var options = new SluiceConsumerOptions { Workers = 3, MaxBufferedMessagesPerPartition = maxMessages };
        TestKafka.PinAll(options, topic, partitions);
        var seen = new int[partitions * (records / partitions)];
        var done = 0;
        var config = TestKafka.ConsumerConfig(fixture);
        config.FetchMaxBytes = 52_428_800;
        config.MaxPartitionFetchBytes = 10_485_760;
        await using var consumer = TestKafka.Builder(fixture, options, config)
            .SetHandler((message, _) =>
            {
                Interlocked.Increment(ref seen[message.Partition * (records / partitions) + message.Offset]);
                Interlocked.Increment(ref done);
                return ValueTask.CompletedTask;
            })
            .Build();
        await consumer.StartAsync();
        try
        {
            await Eventually.TrueAsync(() => Volatile.Read(ref done) >= records, TimeSpan.FromSeconds(30), $"all processed");
        }
        finally
        {
            output.WriteLine($"done {done}");
            foreach (var p in consumer.GetProgress())
            {
                output.WriteLine(p.ToString());
            }
        }
        Assert.All(seen, n => Assert.Equal(1, n));
    }
}
