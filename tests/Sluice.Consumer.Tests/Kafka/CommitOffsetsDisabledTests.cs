using Confluent.Kafka;
using Sluice.Consumer.Ownership;
using Sluice.Testing;
using Sluice.Testing.Kafka;

namespace Sluice.Consumer.Tests.Kafka;

/// <summary>
/// <see cref="SluiceConsumerOptions.CommitOffsets"/> false (a rehearsal, a read-only replay): records are processed as
/// usual, the offsets are tracked and answered as usual, and Kafka never sees a commit from the group.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class CommitOffsetsDisabledTests(KafkaFixture fixture)
{
    [Fact]
    public async Task ReleaseAsync_CommitOffsetsFalse_AnswersTheNextOffsetButCommitsNothing()
    {
        // A short interval: the periodic commit runs many times before the release.
        var (consumer, tp, config) = await StartOnOnePartitionAsync("no-commit-release", records: 50, TimeSpan.FromMilliseconds(10), epoch: 1);
        await using var _ = consumer;
        var topic = tp.Topic;
        // The periodic commit ran and recorded the offset locally.
        await Eventually.TrueAsync(() => consumer.GetProgress().Single().CommittedOffset == 50, TimeSpan.FromSeconds(5), "the commit loop reached 50");
        Assert.Equal(Offset.Unset.Value, TestKafka.Committed(fixture, config.GroupId, topic, 0));

        var released = await consumer.ReleaseAsync(tp, 1, TimeSpan.FromSeconds(5));

        Assert.Equal((ReleaseOutcome.Released, 50L), (released.Outcome, released.NextOffset));
        Assert.Equal(Offset.Unset.Value, TestKafka.Committed(fixture, config.GroupId, topic, 0));
        Assert.Empty(consumer.GetProgress());
    }

    [Fact]
    public async Task StopAsync_CommitOffsetsFalse_CommitsNothingForAnyPartition_EvenWhenTheOptionsChangeAfterBuild()
    {
        var topic = await fixture.CreateTopicAsync("no-commit-stop", 2);
        await TestKafka.ProduceAsync(fixture, topic, 2, 40);
        var config = TestKafka.ConsumerConfig(fixture);
        // An hour-long interval: the only commit due is the one at stop.
        var options = new SluiceConsumerOptions { CommitOffsets = false, CommitInterval = TimeSpan.FromHours(1) };
        TestKafka.PinAll(options, topic, 2);
        var processed = 0;
        await using (var consumer = TestKafka.Builder(fixture, options, config).SetHandler((_, _) =>
        {
            Interlocked.Increment(ref processed);
            return ValueTask.CompletedTask;
        }).Build())
        {
            options.CommitOffsets = true; // too late: Build froze a copy
            await consumer.StartAsync();
            await Eventually.TrueAsync(() => Volatile.Read(ref processed) == 40, TimeSpan.FromSeconds(15), "all 40 processed");

            await consumer.StopAsync();
        }

        Assert.Equal(Offset.Unset.Value, TestKafka.Committed(fixture, config.GroupId, topic, 0));
        Assert.Equal(Offset.Unset.Value, TestKafka.Committed(fixture, config.GroupId, topic, 1));
    }

    [Fact]
    public async Task BatchHandler_CommitOffsetsFalseWithCommitAfterBatch_CommitsNothing()
    {
        var topic = await fixture.CreateTopicAsync("no-commit-batch", 1);
        await TestKafka.ProduceAsync(fixture, topic, 1, 100);
        var config = TestKafka.ConsumerConfig(fixture);
        var options = new SluiceConsumerOptions { CommitOffsets = false, CommitAfterBatch = true, BatchSize = 10, CommitInterval = TimeSpan.FromHours(1) };
        TestKafka.PinAll(options, topic, 1);
        var processed = 0;
        await using var consumer = TestKafka.Builder(fixture, options, config).SetBatchHandler((batch, _) =>
        {
            Interlocked.Add(ref processed, batch.Length);
            return ValueTask.CompletedTask;
        }).Build();
        await consumer.StartAsync();

        await Eventually.TrueAsync(() => Volatile.Read(ref processed) == 100, TimeSpan.FromSeconds(15), "all 100 processed");
        await Eventually.TrueAsync(() => consumer.GetProgress().Single().CommittedOffset == 100, TimeSpan.FromSeconds(5), "the per-batch commit reached 100");

        Assert.Equal(Offset.Unset.Value, TestKafka.Committed(fixture, config.GroupId, topic, 0));
    }

    [Fact]
    public async Task FenceAsync_CommitOffsetsFalse_ReportsTheFenceCommitButKafkaHoldsNothing_AndAReleaseAnswersWhereItStopped()
    {
        var (consumer, tp, config) = await StartOnOnePartitionAsync("no-commit-fence", records: 30, TimeSpan.FromHours(1), epoch: 2);
        await using var _ = consumer;
        var topic = tp.Topic;

        var fence = await consumer.FenceAsync(TimeSpan.FromSeconds(5));
        var released = await consumer.ReleaseAsync(tp, 2, TimeSpan.FromSeconds(5));

        Assert.Equal((1, true, true), (fence.Partitions, fence.Drained, fence.Committed));
        Assert.Equal((ReleaseOutcome.Released, 30L), (released.Outcome, released.NextOffset));
        Assert.Equal(Offset.Unset.Value, TestKafka.Committed(fixture, config.GroupId, topic, 0));
    }

    /// <summary>A consumer that commits nothing, assigned partition 0 of a new topic of <paramref name="records"/> records at epoch <paramref name="epoch"/>, once it has processed them all.</summary>
    private async Task<(SluiceConsumer Consumer, TopicPartition Partition, ConsumerConfig Config)> StartOnOnePartitionAsync(string name, int records, TimeSpan commitInterval, long epoch)
    {
        var topic = await fixture.CreateTopicAsync(name, 1);
        var tp = new TopicPartition(topic, 0);
        await TestKafka.ProduceAsync(fixture, topic, 1, records);
        var config = TestKafka.ConsumerConfig(fixture);
        var options = new SluiceConsumerOptions { CommitOffsets = false, CommitInterval = commitInterval };
        var processed = 0;
        var consumer = TestKafka.Builder(fixture, options, config).SetHandler((_, _) =>
        {
            Interlocked.Increment(ref processed);
            return ValueTask.CompletedTask;
        }).Build();
        try
        {
            await consumer.StartAsync();
            await consumer.AssignAsync(tp, 0, epoch);
            await Eventually.TrueAsync(() => Volatile.Read(ref processed) == records, TimeSpan.FromSeconds(15), $"all {records} processed");
            return (consumer, tp, config);
        }
        catch
        {
            await consumer.DisposeAsync();
            throw;
        }
    }
}
