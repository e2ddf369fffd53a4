using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Sluice.Consumer.Ownership;
using Sluice.Testing;
using Sluice.Testing.Kafka;
using Xunit.Abstractions;

namespace Sluice.Consumer.Tests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class ReleaseTests(KafkaFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [InlineData(MessageOrdering.PerPartition)]
    [InlineData(MessageOrdering.PerKey)]
    [InlineData(MessageOrdering.Unordered)]
    public async Task ReleaseAsync_UnderLoad_ReturnsAndCommitsTheExactNextOffset(MessageOrdering ordering)
    {
        var topic = await fixture.CreateTopicAsync("release-load", 1);
        var tp = new TopicPartition(topic, 0);
        var config = TestKafka.ConsumerConfig(fixture);
        var processed = new ConcurrentDictionary<long, int>();
        var options = new SluiceConsumerOptions { Workers = 16, Ordering = ordering };
        await using var consumer = TestKafka.Builder(fixture, options, config)
            .SetHandler(async (message, ct) =>
            {
                // Uneven handler times: completions come back out of order in per-key and unordered modes.
                await Task.Delay(message.Offset % 3 == 0 ? 3 : 0, ct);
                processed.AddOrUpdate(message.Offset, 1, (_, n) => n + 1);
            })
            .Build();
        await consumer.StartAsync();
        await consumer.AssignAsync(tp, 0, 1);

        using var stop = new CancellationTokenSource();
        var producing = Task.Run(async () =>
        {
            using var producer = TestKafka.Producer(fixture);
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                for (var n = 0; n < 20; n++, i++)
                {
                    producer.Produce(tp, new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes($"k{i % 13}"), Value = [1] });
                }
                await Task.Delay(2);
            }
            producer.Flush(TimeSpan.FromSeconds(10));
        });
        await Eventually.TrueAsync(() => processed.Count > 500, TimeSpan.FromSeconds(20), "records flow");

        var released = await consumer.ReleaseAsync(tp, 1, TimeSpan.FromSeconds(10));
        await Task.Delay(300); // anything processed after the release would show up now
        await stop.CancelAsync();
        await producing;

        output.WriteLine($"{ordering}: released at {released.NextOffset} in {released.Duration.TotalMilliseconds:0.0} ms; {processed.Count} processed");
        Assert.Equal(ReleaseOutcome.Released, released.Outcome);
        Assert.Equal(Enumerable.Range(0, (int)released.NextOffset).Select(i => (long)i), processed.Keys.Order());
        Assert.All(processed.Values, n => Assert.Equal(1, n));
        Assert.Equal(released.NextOffset, TestKafka.Committed(fixture, config.GroupId, topic, 0));
        Assert.Empty(consumer.GetProgress());
    }

    [Fact]
    public async Task StaleEpoch_AssignAndReleaseBelowTheHeldEpoch_AreIgnored()
    {
        var topic = await fixture.CreateTopicAsync("stale", 1);
        var tp = new TopicPartition(topic, 0);
        await TestKafka.ProduceAsync(fixture, topic, 1, 50);
        var processed = 0;
        await using var consumer = TestKafka.Builder(fixture, new SluiceConsumerOptions())
            .SetHandler((_, _) =>
            {
                Interlocked.Increment(ref processed);
                return ValueTask.CompletedTask;
            })
            .Build();
        await consumer.StartAsync();

        Assert.Equal(AssignOutcome.Assigned, (await consumer.AssignAsync(tp, 0, 5)).Outcome);
        var staleAssign = await consumer.AssignAsync(tp, 30, 4);
        var staleRelease = await consumer.ReleaseAsync(tp, 4, TimeSpan.FromSeconds(5));
        await Eventually.TrueAsync(() => Volatile.Read(ref processed) == 50, TimeSpan.FromSeconds(10), "still owned and processing after the stale commands");
        var released = await consumer.ReleaseAsync(tp, 5, TimeSpan.FromSeconds(5));
        var repeated = await consumer.ReleaseAsync(tp, 5, TimeSpan.FromSeconds(5));
        var staleAfterRelease = await consumer.AssignAsync(tp, 0, 3);

        Assert.Equal(AssignOutcome.StaleEpoch, staleAssign.Outcome);
        Assert.Equal(5, staleAssign.HeldEpoch);
        Assert.Equal(ReleaseOutcome.StaleEpoch, staleRelease.Outcome);
        Assert.Equal(ReleaseOutcome.Released, released.Outcome);
        Assert.Equal(50, released.NextOffset);
        Assert.Equal(released with { Duration = TimeSpan.Zero }, repeated with { Duration = TimeSpan.Zero });
        Assert.Equal(AssignOutcome.StaleEpoch, staleAfterRelease.Outcome);
        Assert.Empty(consumer.GetProgress());
    }

    [Fact]
    public async Task ReleaseAsync_HandlerStuckPastTheTimeout_TimesOutAndCommitsTheContiguousPrefix()
    {
        var topic = await fixture.CreateTopicAsync("release-timeout", 1);
        var tp = new TopicPartition(topic, 0);
        await TestKafka.ProduceAsync(fixture, topic, 1, 20);
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var processed = new ConcurrentDictionary<long, byte>();
        await using var consumer = TestKafka.Builder(fixture, new SluiceConsumerOptions { StopTimeout = TimeSpan.FromMilliseconds(100) })
            .SetHandler(async (message, ct) =>
            {
                if (message.Offset == 7)
                {
                    await stuck.Task.WaitAsync(ct);
                }
                processed[message.Offset] = 0;
            })
            .Build();
        await consumer.StartAsync();
        await consumer.AssignAsync(tp, 0, 1);
        await Eventually.TrueAsync(() => processed.Count == 7 && consumer.GetProgress().Single().InFlight == 1, TimeSpan.FromSeconds(10), "stuck at offset 7");

        var released = await consumer.ReleaseAsync(tp, 1, TimeSpan.FromMilliseconds(200));

        Assert.Equal(ReleaseOutcome.TimedOut, released.Outcome);
        Assert.Equal(7, released.NextOffset);
        Assert.InRange(released.Duration, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AssignAsync_WhileTheSamePartitionIsReleasing_WaitsForTheReleaseThenAssigns()
    {
        var topic = await fixture.CreateTopicAsync("assign-during-release", 1);
        var tp = new TopicPartition(topic, 0);
        await TestKafka.ProduceAsync(fixture, topic, 1, 10);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var processed = new ConcurrentQueue<long>();
        await using var consumer = TestKafka.Builder(fixture, new SluiceConsumerOptions())
            .SetHandler(async (message, ct) =>
            {
                if (message.Offset == 3)
                {
                    await gate.Task.WaitAsync(ct);
                }
                processed.Enqueue(message.Offset);
            })
            .Build();
        await consumer.StartAsync();
        await consumer.AssignAsync(tp, 0, 1);
        await Eventually.TrueAsync(() => consumer.GetProgress().Single().InFlight == 1, TimeSpan.FromSeconds(10), "offset 3 in flight");

        var release = consumer.ReleaseAsync(tp, 1, TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => consumer.GetProgress().Single().State == Progress.PartitionState.Releasing, TimeSpan.FromSeconds(5), "releasing");
        var assign = consumer.AssignAsync(tp, 4, 2);
        await Task.Delay(100);
        Assert.False(assign.IsCompleted);

        gate.SetResult();
        var released = await release;
        var assigned = await assign;
        await Eventually.TrueAsync(() => processed.Count == 10, TimeSpan.FromSeconds(10), "the new assignment continues from 4");

        Assert.Equal(4, released.NextOffset);
        Assert.Equal(AssignOutcome.Assigned, assigned.Outcome);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), processed);
        Assert.Equal(2, consumer.GetProgress().Single().Epoch);
    }
}
