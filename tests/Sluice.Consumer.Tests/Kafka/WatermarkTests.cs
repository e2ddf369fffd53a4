using Confluent.Kafka;
using Sluice.Testing.Kafka;

namespace Sluice.Consumer.Tests.Kafka;

/// <summary><see cref="SluiceConsumer.QueryWatermarksAsync"/>: the leader's low and high watermarks of any partition, owned or not.</summary>
[Collection(KafkaCollection.Name)]
public sealed class WatermarkTests(KafkaFixture fixture)
{
    [Fact]
    public async Task QueryWatermarksAsync_AfterProducingRecords_ReturnsLowZeroAndHighTheirCount()
    {
        var topic = await fixture.CreateTopicAsync("watermarks", 3);
        // Round-robin: partition 0 gets 14, partition 1 gets 13, partition 2 nothing.
        await TestKafka.ProduceAsync(fixture, topic, 2, 27);
        await using var consumer = TestKafka.Builder(fixture, new SluiceConsumerOptions())
            .SetHandler((_, _) => ValueTask.CompletedTask)
            .Build();
        await consumer.StartAsync();

        var p0 = await consumer.QueryWatermarksAsync(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10));
        var p1 = await consumer.QueryWatermarksAsync(new TopicPartition(topic, 1), TimeSpan.FromSeconds(10));
        var p2 = await consumer.QueryWatermarksAsync(new TopicPartition(topic, 2), TimeSpan.FromSeconds(10));

        Assert.Equal((0L, 14L), (p0.Low.Value, p0.High.Value));
        Assert.Equal((0L, 13L), (p1.Low.Value, p1.High.Value));
        Assert.Equal((0L, 0L), (p2.Low.Value, p2.High.Value));
        Assert.Empty(consumer.GetProgress()); // asking assigns nothing
    }

    [Fact]
    public async Task QueryWatermarksAsync_MoreRecordsProduced_TheHighWatermarkFollows()
    {
        var topic = await fixture.CreateTopicAsync("watermarks-grow", 1);
        var tp = new TopicPartition(topic, 0);
        await using var consumer = TestKafka.Builder(fixture, new SluiceConsumerOptions())
            .SetHandler((_, _) => ValueTask.CompletedTask)
            .Build();
        await consumer.StartAsync();

        var before = await consumer.QueryWatermarksAsync(tp, TimeSpan.FromSeconds(10));
        await TestKafka.ProduceAsync(fixture, topic, 1, 25);
        var after = await consumer.QueryWatermarksAsync(tp, TimeSpan.FromSeconds(10));

        Assert.Equal(0, before.High.Value);
        Assert.Equal((0L, 25L), (after.Low.Value, after.High.Value));
    }

    [Fact]
    public async Task QueryWatermarksAsync_BeforeStartOrAfterStop_Throws()
    {
        var topic = await fixture.CreateTopicAsync("watermarks-lifecycle", 1);
        var tp = new TopicPartition(topic, 0);
        var consumer = TestKafka.Builder(fixture, new SluiceConsumerOptions())
            .SetHandler((_, _) => ValueTask.CompletedTask)
            .Build();

        await Assert.ThrowsAsync<InvalidOperationException>(() => consumer.QueryWatermarksAsync(tp, TimeSpan.FromSeconds(10)));
        await consumer.StartAsync();
        await consumer.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => consumer.QueryWatermarksAsync(tp, TimeSpan.FromSeconds(10)));
    }
}
