using System.Collections.Concurrent;
using Confluent.Kafka;
using Sluice.Consumer.Progress;
using Sluice.Testing;
using Sluice.Testing.Kafka;
using Xunit.Abstractions;

namespace Sluice.Consumer.Tests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class ReservoirTests(KafkaFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task StalledHandler_BufferedBytes_StayWithinTheLimitPlusOneFetch()
    {
        const int partitions = 4;
        const int records = 2_000;
        const int valueBytes = 1_000;
        const int oneFetch = 64 * 1024;
        var topic = await fixture.CreateTopicAsync("stalled", partitions);
        await TestKafka.ProduceAsync(fixture, topic, partitions, records, valueBytes: valueBytes);

        var options = new SluiceConsumerOptions
        {
            Workers = 2,
            MaxBufferedMessagesPerPartition = 100_000,
            MaxBufferedBytesPerPartition = 96 * 1024,
            MaxBufferedBytes = 256 * 1024,
        };
        TestKafka.PinAll(options, topic, partitions);
        var config = TestKafka.ConsumerConfig(fixture);
        config.MaxPartitionFetchBytes = oneFetch;
        var stall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var processed = new ConcurrentDictionary<(int, long), int>();
        await using var consumer = TestKafka.Builder(fixture, options, config)
            .SetHandler(async (message, ct) =>
            {
                await stall.Task.WaitAsync(ct);
                processed.AddOrUpdate((message.Partition, message.Offset), 1, (_, n) => n + 1);
            })
            .Build();
        await consumer.StartAsync();

        // Every partition pauses once the reservoir is full, and stays within its limit while stalled.
        await Eventually.TrueAsync(() => consumer.GetProgress().Count(p => p.State == PartitionState.Paused) == partitions || consumer.PeakBufferedBytes >= options.MaxBufferedBytes,
            TimeSpan.FromSeconds(20), "the reservoir fills and partitions pause");
        var limit = options.MaxBufferedBytes + oneFetch;
        for (var i = 0; i < 25; i++) // half a second of watching, well past several fetch cycles
        {
            var buffered = consumer.GetProgress().Sum(p => p.BufferedBytes);
            Assert.True(buffered <= limit, $"buffered {buffered} B > limit {options.MaxBufferedBytes} B + one fetch {oneFetch} B");
            await Task.Delay(20);
        }
        Assert.True(consumer.PeakBufferedBytes <= limit, $"peak {consumer.PeakBufferedBytes} B > {limit} B");
        output.WriteLine($"peak buffered {consumer.PeakBufferedBytes:N0} B; limit {options.MaxBufferedBytes:N0} B + one fetch {oneFetch:N0} B; processed while stalled: {processed.Count}");
        Assert.Empty(processed);

        // Unstalled, the partitions resume and everything is processed once.
        stall.SetResult();
        await Eventually.TrueAsync(() => processed.Count == records, TimeSpan.FromSeconds(60), $"all {records} processed after the stall ({processed.Count})");
        Assert.All(processed.Values, n => Assert.Equal(1, n));
        Assert.True(consumer.PeakBufferedBytes <= limit, $"peak {consumer.PeakBufferedBytes} B > {limit} B");
    }
}
