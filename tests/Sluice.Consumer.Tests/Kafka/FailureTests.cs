using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Sluice.Consumer.Failures;
using Sluice.Consumer.Ownership;
using Sluice.Consumer.Progress;
using Sluice.Testing;
using Sluice.Testing.Kafka;

namespace Sluice.Consumer.Tests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class FailureTests(KafkaFixture fixture)
{
    private const int Records = 10;
    private const int PoisonOffset = 5;

    private sealed class Scenario
    {
        public required SluiceConsumer Consumer { get; init; }

        public required string Topic { get; init; }

        public ConcurrentDictionary<long, int> Processed { get; } = new();

        public ConcurrentDictionary<long, int> Attempts { get; } = new();

        public ConcurrentQueue<(int Attempt, bool Exhausted)> AttemptCalls { get; } = new();

        public int FailureCalls;
    }

    /// <summary>10 records on one partition; the one at offset 5 throws (always, or its first <paramref name="failures"/> times).</summary>
    private async Task<Scenario> StartAsync(string name, FailedDecision? onAttempt, FailedDecision onFailure, int failures = int.MaxValue, int retries = 2)
    {
        var topic = await fixture.CreateTopicAsync(name, 1);
        await fixture.Cluster.CreateTopicAsync(topic + ".dlq", 1);
        await TestKafka.ProduceAsync(fixture, topic, 1, Records, key: i => Encoding.UTF8.GetBytes($"key-{i}"), value: i => Encoding.UTF8.GetBytes(i == PoisonOffset ? "poison" : $"good-{i}"));
        var options = new SluiceConsumerOptions { MaxRetryAttempts = retries, RetryDelay = TimeSpan.FromMilliseconds(1), RetryUseJitter = false };
        TestKafka.PinAll(options, topic, 1);
        Scenario? scenario = null;
        var builder = TestKafka.Builder(fixture, options)
            .SetHandler((message, _) =>
            {
                var attempt = scenario!.Attempts.AddOrUpdate(message.Offset, 1, (_, n) => n + 1);
                if (message.Offset == PoisonOffset && attempt <= failures)
                {
                    throw new InvalidOperationException($"poison record, attempt {attempt}");
                }
                scenario.Processed.AddOrUpdate(message.Offset, 1, (_, n) => n + 1);
                return ValueTask.CompletedTask;
            })
            .SetFailureCallback(_ =>
            {
                Interlocked.Increment(ref scenario!.FailureCalls);
                return ValueTask.FromResult(onFailure);
            });
        if (onAttempt is { } decision)
        {
            builder.SetFailedAttemptCallback(args =>
            {
                scenario!.AttemptCalls.Enqueue((args.AttemptNumber, args.RetriesExhausted));
                return ValueTask.FromResult(decision);
            });
        }
        scenario = new Scenario { Consumer = builder.Build(), Topic = topic };
        await scenario.Consumer.StartAsync();
        return scenario;
    }

    [Fact]
    public async Task CommitOffsetAndContinue_AfterRetries_SkipsThePoisonAndCommitsPastIt()
    {
        var s = await StartAsync("commit-continue", onAttempt: null, onFailure: FailedDecision.CommitOffsetAndContinue);
        await using var _ = s.Consumer;

        await Eventually.TrueAsync(() => s.Processed.Count == Records - 1, TimeSpan.FromSeconds(15), "the good records are processed");
        var released = await s.Consumer.ReleaseAsync(new TopicPartition(s.Topic, 0), 0, TimeSpan.FromSeconds(5));

        Assert.Equal(3, s.Attempts[PoisonOffset]); // the first attempt and 2 retries
        Assert.Equal(1, s.FailureCalls);
        Assert.Equal(Records, released.NextOffset);
        Assert.False(released.Failed);
        Assert.All(s.Processed.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task DoNotCommitOffsetAndStop_PartitionFailsPausesAndNeverCommitsPastThePoison()
    {
        var s = await StartAsync("stop", onAttempt: null, onFailure: FailedDecision.DoNotCommitOffsetAndStop);
        await using var _ = s.Consumer;

        await Eventually.TrueAsync(() => s.Consumer.GetProgress().Single().State == PartitionState.Failed, TimeSpan.FromSeconds(15), "the partition reports Failed");
        await Task.Delay(200); // nothing after the poison runs
        var progress = s.Consumer.GetProgress().Single();
        var released = await s.Consumer.ReleaseAsync(new TopicPartition(s.Topic, 0), 0, TimeSpan.FromSeconds(5));

        Assert.Equal(PoisonOffset - 1, progress.ProcessedOffset);
        Assert.True(progress.Failures >= 1);
        Assert.Equal(Enumerable.Range(0, PoisonOffset).Select(i => (long)i), s.Processed.Keys.Order());
        Assert.Equal(ReleaseOutcome.Released, released.Outcome);
        Assert.True(released.Failed);
        Assert.Equal(PoisonOffset, released.NextOffset);
        Assert.Equal(3, s.Attempts[PoisonOffset]);
    }

    [Fact]
    public async Task DeadLetterAndContinue_ProducesToTheDlqWithOriginHeadersAndCommitsPastIt()
    {
        var s = await StartAsync("dead-letter", onAttempt: null, onFailure: FailedDecision.DeadLetterAndContinue);
        await using var _ = s.Consumer;

        await Eventually.TrueAsync(() => s.Processed.Count == Records - 1, TimeSpan.FromSeconds(15), "the good records are processed");
        var released = await s.Consumer.ReleaseAsync(new TopicPartition(s.Topic, 0), 0, TimeSpan.FromSeconds(5));
        Assert.Equal(Records, released.NextOffset);

        using var reader = new ConsumerBuilder<byte[]?, byte[]?>(TestKafka.ConsumerConfig(fixture)).Build();
        reader.Assign(new TopicPartitionOffset(s.Topic + ".dlq", 0, Offset.Beginning));
        var dead = reader.Consume(TimeSpan.FromSeconds(10));
        Assert.NotNull(dead);
        Assert.Equal("key-5", Encoding.UTF8.GetString(dead.Message.Key!));
        Assert.Equal("poison", Encoding.UTF8.GetString(dead.Message.Value!));
        string Header(string name) => Encoding.UTF8.GetString(dead.Message.Headers.GetLastBytes(name));
        Assert.Equal(s.Topic, Header("sluice-original-topic"));
        Assert.Equal("0", Header("sluice-original-partition"));
        Assert.Equal("5", Header("sluice-original-offset"));
        Assert.Contains("poison record", Header("sluice-error"));
        Assert.Contains(nameof(InvalidOperationException), Header("sluice-error"));
        Assert.Null(reader.Consume(TimeSpan.FromMilliseconds(300))); // exactly one dead letter
    }

    [Fact]
    public async Task Retry_HandlerSucceedsOnTheThirdAttempt_ProcessedOnceWithoutFailureCallback()
    {
        var s = await StartAsync("retry", onAttempt: FailedDecision.Retry, onFailure: FailedDecision.DoNotCommitOffsetAndStop, failures: 2, retries: 3);
        await using var _ = s.Consumer;

        await Eventually.TrueAsync(() => s.Processed.Count == Records, TimeSpan.FromSeconds(15), "every record is processed");
        var released = await s.Consumer.ReleaseAsync(new TopicPartition(s.Topic, 0), 0, TimeSpan.FromSeconds(5));

        Assert.Equal(3, s.Attempts[PoisonOffset]);
        Assert.Equal([(1, false), (2, false)], s.AttemptCalls.ToArray());
        Assert.Equal(0, s.FailureCalls);
        Assert.Equal(Records, released.NextOffset);
    }

    [Fact]
    public async Task FailedAttemptCallback_DecidesOnTheFirstAttempt_NoRetries()
    {
        var s = await StartAsync("attempt-decides", onAttempt: FailedDecision.DeadLetterAndContinue, onFailure: FailedDecision.DoNotCommitOffsetAndStop);
        await using var _ = s.Consumer;

        await Eventually.TrueAsync(() => s.Processed.Count == Records - 1, TimeSpan.FromSeconds(15), "the good records are processed");
        var released = await s.Consumer.ReleaseAsync(new TopicPartition(s.Topic, 0), 0, TimeSpan.FromSeconds(5));

        Assert.Equal(1, s.Attempts[PoisonOffset]);
        Assert.Equal(0, s.FailureCalls);
        Assert.Equal(Records, released.NextOffset);
    }

    [Fact]
    public async Task PoisonRecordsAmongGoodOnes_NoCrashLoop_GoodOnesProcessedOnceAndWorkersSurvive()
    {
        const int records = 600;
        const int partitions = 3;
        var topic = await fixture.CreateTopicAsync("poison", partitions);
        await TestKafka.ProduceAsync(fixture, topic, partitions, records, value: i => Encoding.UTF8.GetBytes(i % 97 == 13 ? "poison" : "good"));
        var poison = Enumerable.Range(0, records).Count(i => i % 97 == 13);
        var options = new SluiceConsumerOptions { Workers = 2, MaxRetryAttempts = 1, RetryDelay = TimeSpan.FromMilliseconds(1) };
        TestKafka.PinAll(options, topic, partitions);
        var good = new ConcurrentDictionary<(int, long), int>();
        var poisonAttempts = 0;
        await using var consumer = TestKafka.Builder(fixture, options)
            .SetHandler((message, _) =>
            {
                if (message.Value is [(byte)'p', ..])
                {
                    Interlocked.Increment(ref poisonAttempts);
                    throw new FormatException("cannot parse");
                }
                good.AddOrUpdate((message.Partition, message.Offset), 1, (_, n) => n + 1);
                return ValueTask.CompletedTask;
            })
            .SetFailureCallback(_ => ValueTask.FromResult(FailedDecision.CommitOffsetAndContinue))
            .Build();
        await consumer.StartAsync();

        await Eventually.TrueAsync(() => good.Count == records - poison, TimeSpan.FromSeconds(20), "all good records are processed");
        await Eventually.TrueAsync(() => consumer.GetProgress().All(p => p.ProcessedOffset == records / partitions - 1), TimeSpan.FromSeconds(10), "every partition completes its prefix");

        Assert.All(good.Values, n => Assert.Equal(1, n));
        Assert.Equal(poison * 2, poisonAttempts); // one attempt and one retry each, then on
        Assert.All(consumer.GetProgress(), p => Assert.Equal(PartitionState.Owned, p.State));
        Assert.Equal(poison, consumer.GetProgress().Sum(p => p.Failures));
    }
}
