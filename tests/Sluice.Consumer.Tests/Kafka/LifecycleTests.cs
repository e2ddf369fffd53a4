using System.Collections.Concurrent;
using Confluent.Kafka;
using Sluice.Consumer.Ownership;
using Sluice.Testing;
using Sluice.Testing.Kafka;

namespace Sluice.Consumer.Tests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class LifecycleTests(KafkaFixture fixture)
{
    [Fact]
    public async Task WarmUp_ReadsEveryPartitionOfTheTopics_AndAnUnknownTopicCountsNone()
    {
        var topic = await fixture.CreateTopicAsync("warm", 5);
        await using var consumer = TestKafka.Builder(fixture, new SluiceConsumerOptions(), TestKafka.ConsumerConfig(fixture))
            .SetHandler((_, _) => ValueTask.CompletedTask)
            .Build();
        await consumer.StartAsync();

        Assert.Equal(5, await consumer.WarmUpAsync([topic], TimeSpan.FromSeconds(10)));
        Assert.Equal(0, await consumer.WarmUpAsync(["no-such-topic-" + Guid.NewGuid().ToString("N")], TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task BatchHandler_BatchSizeAndLinger_EveryRecordInOrderOnceAndCommittedPerBatch()
    {
        const int partitions = 2;
        const int records = 1_000;
        var topic = await fixture.CreateTopicAsync("batch", partitions);
        await TestKafka.ProduceAsync(fixture, topic, partitions, records);
        var config = TestKafka.ConsumerConfig(fixture);
        var options = new SluiceConsumerOptions { Workers = 2, BatchSize = 50, BatchLinger = TimeSpan.FromMilliseconds(5), CommitAfterBatch = true, CommitInterval = TimeSpan.FromHours(1) };
        TestKafka.PinAll(options, topic, partitions);
        var sizes = new ConcurrentQueue<int>();
        var next = new long[partitions];
        var violations = 0;
        var done = 0;
        await using var consumer = TestKafka.Builder(fixture, options, config)
            .SetBatchHandler((batch, _) =>
            {
                sizes.Enqueue(batch.Length);
                foreach (var message in batch.Span)
                {
                    if (message.Offset != next[message.Partition])
                    {
                        Interlocked.Increment(ref violations);
                    }
                    next[message.Partition] = message.Offset + 1;
                }
                Interlocked.Add(ref done, batch.Length);
                return ValueTask.CompletedTask;
            })
            .Build();
        await consumer.StartAsync();

        await Eventually.TrueAsync(() => Volatile.Read(ref done) == records, TimeSpan.FromSeconds(20), $"all processed ({done})");
        Assert.Equal(0, violations);
        Assert.All(sizes, size => Assert.InRange(size, 1, 50));
        // Committed per batch, not on the (hour-long) interval.
        await Eventually.TrueAsync(() => Enumerable.Range(0, partitions).All(p => TestKafka.Committed(fixture, config.GroupId, topic, p) == records / partitions),
            TimeSpan.FromSeconds(10), "every partition committed after its last batch");
    }

    [Fact]
    public async Task StopAsync_CommitsCompletedOffsets_AndStaticPinningWithoutOffsetsResumesThere()
    {
        var topic = await fixture.CreateTopicAsync("stop-resume", 2);
        await TestKafka.ProduceAsync(fixture, topic, 2, 200);
        var config = TestKafka.ConsumerConfig(fixture);
        var firstRun = new ConcurrentDictionary<(int, long), byte>();
        var options = new SluiceConsumerOptions { CommitInterval = TimeSpan.FromHours(1) };
        TestKafka.PinAll(options, topic, 2);
        await using (var first = TestKafka.Builder(fixture, options, config).SetHandler((m, _) =>
        {
            firstRun[(m.Partition, m.Offset)] = 0;
            return ValueTask.CompletedTask;
        }).Build())
        {
            await first.StartAsync();
            await Eventually.TrueAsync(() => firstRun.Count == 200, TimeSpan.FromSeconds(15), "first run processes everything");
            await first.StopAsync();
        }
        Assert.Equal(100, TestKafka.Committed(fixture, config.GroupId, topic, 0));
        Assert.Equal(100, TestKafka.Committed(fixture, config.GroupId, topic, 1));

        await TestKafka.ProduceAsync(fixture, topic, 2, 20);
        var secondRun = new ConcurrentDictionary<(int, long), byte>();
        var pinned = new SluiceConsumerOptions { StaticAssignment = [new PinnedPartition(topic, 0), new PinnedPartition(topic, 1)] };
        await using var second = TestKafka.Builder(fixture, pinned, new ConsumerConfig(config.ToDictionary(kv => kv.Key, kv => kv.Value))).SetHandler((m, _) =>
        {
            secondRun[(m.Partition, m.Offset)] = 0;
            return ValueTask.CompletedTask;
        }).Build();
        await second.StartAsync();
        await Eventually.TrueAsync(() => secondRun.Count == 20, TimeSpan.FromSeconds(15), "second run processes the new records");
        await Task.Delay(200);

        Assert.Equal(20, secondRun.Count);
        Assert.All(secondRun.Keys, k => Assert.InRange(k.Item2, 100, 109));
    }

    [Fact]
    public async Task Metrics_InTheGivenRegistry_CountRecordsLatencyCommitsAndLag()
    {
        var topic = await fixture.CreateTopicAsync("metrics", 1);
        await TestKafka.ProduceAsync(fixture, topic, 1, 100);
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var options = new SluiceConsumerOptions { Name = "metrics-test", CommitInterval = TimeSpan.FromMilliseconds(50) };
        TestKafka.PinAll(options, topic, 1);
        var done = 0;
        await using var consumer = new SluiceConsumerBuilder(TestKafka.ConsumerConfig(fixture))
            .SetOptions(options)
            .SetMetricsRegistry(registry)
            .SetHandler((_, _) =>
            {
                Interlocked.Increment(ref done);
                return ValueTask.CompletedTask;
            })
            .Build();
        await consumer.StartAsync();
        await Eventually.TrueAsync(() => Volatile.Read(ref done) == 100, TimeSpan.FromSeconds(15), "all processed");
        await Eventually.TrueAsync(() => consumer.GetProgress().Single() is { CommittedOffset: 100, HighWatermark: 100, Lag: 0 }, TimeSpan.FromSeconds(5), "committed, watermark and lag reported");

        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains($"sluice_consumer_records_total{{consumer=\"metrics-test\",topic=\"{topic}\"}} 100", text);
        Assert.Contains($"sluice_consumer_bytes_total{{consumer=\"metrics-test\",topic=\"{topic}\"}} 1600", text);
        Assert.Contains("sluice_consumer_processing_seconds_count{consumer=\"metrics-test\"} 100", text);
        Assert.Contains($"sluice_consumer_lag{{consumer=\"metrics-test\",topic=\"{topic}\",partition=\"0\"}} 0", text);
        Assert.Contains("sluice_consumer_commits_total{consumer=\"metrics-test\"}", text);
        Assert.Contains("sluice_consumer_buffered_bytes{consumer=\"metrics-test\"} 0", text);
    }
}

[Collection(KafkaCollection.Name)]
public sealed class FencingTests(KafkaFixture fixture)
{
    [Fact]
    public async Task SetFencedAsync_LeaseLost_PausesEveryPartitionAndCommitsNothingUntilUnfenced()
    {
        var topic = await fixture.CreateTopicAsync("fenced", 2);
        await TestKafka.ProduceAsync(fixture, topic, 2, 40);
        var config = TestKafka.ConsumerConfig(fixture);
        var options = new SluiceConsumerOptions { CommitInterval = TimeSpan.FromMilliseconds(20) };
        TestKafka.PinAll(options, topic, 2);
        var done = 0;
        await using var consumer = TestKafka.Builder(fixture, options, config).SetHandler((_, _) =>
        {
            Interlocked.Increment(ref done);
            return ValueTask.CompletedTask;
        }).Build();
        await consumer.StartAsync();
        await Eventually.TrueAsync(() => consumer.GetProgress().All(p => p.CommittedOffset == 20), TimeSpan.FromSeconds(15), "committed before the fence");

        await consumer.SetFencedAsync(true);
        await TestKafka.ProduceAsync(fixture, topic, 2, 40);
        await Task.Delay(300);

        Assert.All(consumer.GetProgress(), p => Assert.Equal(Progress.PartitionState.Paused, p.State));
        Assert.Equal(20, TestKafka.Committed(fixture, config.GroupId, topic, 0));
        Assert.Equal(20, TestKafka.Committed(fixture, config.GroupId, topic, 1));

        await consumer.SetFencedAsync(false);
        await Eventually.TrueAsync(() => Volatile.Read(ref done) == 80, TimeSpan.FromSeconds(15), "resumes after the fence");
        await Eventually.TrueAsync(() => consumer.GetProgress().All(p => p.CommittedOffset == 40), TimeSpan.FromSeconds(10), "commits again");
    }

    [Fact]
    public async Task AssignAsync_WhileFenced_FetchesNothingUntilUnfencedThenStartsAtTheGivenOffset()
    {
        var topic = await fixture.CreateTopicAsync("fenced-assign", 1);
        await TestKafka.ProduceAsync(fixture, topic, 1, 30);
        var config = TestKafka.ConsumerConfig(fixture);
        config.AutoOffsetReset = AutoOffsetReset.Latest; // a fall-back to the reset policy would skip everything
        var processed = new ConcurrentQueue<long>();
        await using var consumer = TestKafka.Builder(fixture, new SluiceConsumerOptions(), config).SetHandler((m, _) =>
        {
            processed.Enqueue(m.Offset);
            return ValueTask.CompletedTask;
        }).Build();
        await consumer.StartAsync();

        await consumer.SetFencedAsync(true);
        await consumer.AssignAsync(new TopicPartition(topic, 0), 10, 1);
        await Task.Delay(300);
        Assert.Empty(processed);
        Assert.Equal(Progress.PartitionState.Paused, consumer.GetProgress().Single().State);

        await consumer.SetFencedAsync(false);
        await Eventually.TrueAsync(() => processed.Count == 20, TimeSpan.FromSeconds(10), "starts at 10 once unfenced");
        Assert.Equal(Enumerable.Range(10, 20).Select(i => (long)i), processed);
    }
}
