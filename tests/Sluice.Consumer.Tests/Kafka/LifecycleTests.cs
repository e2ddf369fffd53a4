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

        // The lag gauge follows the poll loop's own view, a moment after the progress snapshot: wait for it.
        var lagLine = $"sluice_consumer_lag{{consumer=\"metrics-test\",topic=\"{topic}\",partition=\"0\"}} 0";
        var text = "";
        await Eventually.TrueAsync(async () =>
        {
            using var stream = new MemoryStream();
            await registry.CollectAndExportAsTextAsync(stream);
            text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
            return text.Contains(lagLine, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(5), "the lag gauge reads 0");
        Assert.Contains($"sluice_consumer_records_total{{consumer=\"metrics-test\",topic=\"{topic}\"}} 100", text);
        Assert.Contains($"sluice_consumer_bytes_total{{consumer=\"metrics-test\",topic=\"{topic}\"}} 1600", text);
        Assert.Contains("sluice_consumer_processing_seconds_count{consumer=\"metrics-test\"} 100", text);
        Assert.Contains("sluice_consumer_commits_total{consumer=\"metrics-test\"}", text);
        Assert.Contains("sluice_consumer_buffered_bytes{consumer=\"metrics-test\"} 0", text);
    }
}

[Collection(KafkaCollection.Name)]
public sealed class FencingTests(KafkaFixture fixture)
{
    [Fact]
    public async Task FenceAsync_LeaseLost_FinishesInFlightCommitsOnceThenNothingUntilAssignedAgain()
    {
        var topic = await fixture.CreateTopicAsync("fenced", 2);
        await TestKafka.ProduceAsync(fixture, topic, 2, 40);
        var config = TestKafka.ConsumerConfig(fixture);
        // In partition order, the records fetched behind the slow one have not started when the lease runs out.
        var options = new SluiceConsumerOptions { CommitInterval = TimeSpan.FromMilliseconds(20), Ordering = MessageOrdering.PerPartition };
        TestKafka.PinAll(options, topic, 2);
        var processed = new ConcurrentQueue<(int Partition, long Offset)>();
        var inFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var consumer = TestKafka.Builder(fixture, options, config).SetHandler(async (m, _) =>
        {
            if (m.Partition == 0 && m.Offset == 5 && !finish.Task.IsCompleted)
            {
                inFlight.TrySetResult();
                await finish.Task; // a slow record in flight when the lease runs out
            }
            processed.Enqueue((m.Partition, m.Offset));
        }).Build();
        await consumer.StartAsync();
        await inFlight.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await Eventually.TrueAsync(() => TestKafka.Committed(fixture, config.GroupId, topic, 1) == 20, TimeSpan.FromSeconds(15), "partition 1 committed before the fence");

        var fence = consumer.FenceAsync(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => consumer.GetProgress().All(p => p.State == Progress.PartitionState.Fenced), TimeSpan.FromSeconds(5), "both partitions fenced");
        // The scheduler gives partition 1 back while the fence still drains: the assignment waits for the last commit.
        var giveBack = consumer.AssignAsync(new TopicPartition(topic, 1), 20, 0);
        await Task.Delay(200);
        Assert.False(fence.IsCompleted);
        Assert.False(giveBack.IsCompleted);
        finish.SetResult();
        var result = await fence.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((2, true, true), (result.Partitions, result.Drained, result.Committed));
        Assert.Equal(6, TestKafka.Committed(fixture, config.GroupId, topic, 0)); // the record in flight finished, committed once
        Assert.Equal(AssignOutcome.Assigned, (await giveBack.WaitAsync(TimeSpan.FromSeconds(10))).Outcome);

        await TestKafka.ProduceAsync(fixture, topic, 2, 40);
        await Eventually.TrueAsync(() => processed.Count(r => r.Partition == 1) == 40, TimeSpan.FromSeconds(15), "partition 1 resumes at 20");
        Assert.Equal(6, processed.Count(r => r.Partition == 0));
        Assert.Equal(Progress.PartitionState.Fenced, consumer.GetProgress().Single(p => p.Partition == 0).State);
        Assert.Equal(6, TestKafka.Committed(fixture, config.GroupId, topic, 0));

        await consumer.AssignAsync(new TopicPartition(topic, 0), 6, 0);
        await Eventually.TrueAsync(() => processed.Count == 80, TimeSpan.FromSeconds(15), "partition 0 resumes at 6");
        Assert.Equal(80, processed.Distinct().Count());
        await Eventually.TrueAsync(() => consumer.GetProgress().All(p => p.CommittedOffset == 40), TimeSpan.FromSeconds(10), "commits again");
    }

    [Fact]
    public async Task ReleaseAsync_OfAFencedPartition_AnswersWhereItStopped_AndAStaleAssignCannotResumeIt()
    {
        var topic = await fixture.CreateTopicAsync("fenced-release", 1);
        await TestKafka.ProduceAsync(fixture, topic, 1, 10);
        var config = TestKafka.ConsumerConfig(fixture);
        var done = 0;
        await using var consumer = TestKafka.Builder(fixture, new SluiceConsumerOptions { CommitInterval = TimeSpan.FromMilliseconds(20) }, config).SetHandler((_, _) =>
        {
            Interlocked.Increment(ref done);
            return ValueTask.CompletedTask;
        }).Build();
        await consumer.StartAsync();
        var tp = new TopicPartition(topic, 0);
        await consumer.AssignAsync(tp, 0, 4);
        await Eventually.TrueAsync(() => Volatile.Read(ref done) == 10, TimeSpan.FromSeconds(15), "processed before the fence");

        await consumer.FenceAsync(TimeSpan.FromSeconds(5));
        var stale = await consumer.AssignAsync(tp, 0, 3);
        var released = await consumer.ReleaseAsync(tp, 4, TimeSpan.FromSeconds(5));

        Assert.Equal(AssignOutcome.StaleEpoch, stale.Outcome);
        Assert.Equal((ReleaseOutcome.Released, 10L), (released.Outcome, released.NextOffset));
        Assert.Empty(consumer.GetProgress());
        Assert.Equal(10, TestKafka.Committed(fixture, config.GroupId, topic, 0));
    }
}
