using System.Text;
using Confluent.Kafka;
using Sluice.Consumer.Failures;
using Sluice.Testing;
using Sluice.Testing.Kafka;

namespace Sluice.Consumer.Tests.Kafka;

/// <summary><see cref="SluiceConsumer.WarmUpDeadLettersAsync"/>: the dead-letter producer built and connected ahead of the first dead letter.</summary>
[Collection(KafkaCollection.Name)]
public sealed class DeadLetterWarmUpTests(KafkaFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Warming_up_dead_letters_does_not_create_the_dead_letter_topic_and_the_first_dead_letter_still_lands_there()
    {
        var topic = await fixture.CreateTopicAsync("dlq-warm", 1);
        var processed = 0;
        var options = new SluiceConsumerOptions { MaxRetryAttempts = 0, RetryUseJitter = false };
        await using var consumer = TestKafka.Builder(fixture, options)
            .SetHandler((message, _) =>
            {
                if (Encoding.UTF8.GetString(message.Value!) == "poison")
                {
                    throw new InvalidOperationException("poison record");
                }
                Interlocked.Increment(ref processed);
                return ValueTask.CompletedTask;
            })
            .SetFailureCallback(_ => ValueTask.FromResult(FailedDecision.DeadLetterAndContinue))
            .Build();
        await consumer.StartAsync();

        await consumer.WarmUpDeadLettersAsync(topic, TimeSpan.FromSeconds(10));

        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = fixture.BootstrapServers }).Build())
        {
            Assert.DoesNotContain(admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics, t => t.Topic == topic + ".dlq");
        }

        await fixture.Cluster.CreateTopicAsync(topic + ".dlq", 1);
        await TestKafka.ProduceAsync(fixture, topic, 1, 3, key: _ => null, value: i => Encoding.UTF8.GetBytes(i == 1 ? "poison" : $"good-{i}"));
        await consumer.AssignAsync(new TopicPartition(topic, 0), 0, epoch: 1);
        await Eventually.TrueAsync(() => Volatile.Read(ref processed) == 2, Patience, "the good records are processed");

        using var reader = new ConsumerBuilder<byte[]?, byte[]?>(TestKafka.ConsumerConfig(fixture)).Build();
        reader.Assign(new TopicPartitionOffset(topic + ".dlq", 0, Offset.Beginning));
        var dead = reader.Consume(Patience);
        Assert.NotNull(dead);
        Assert.Equal("poison", Encoding.UTF8.GetString(dead.Message.Value!));
    }

    [Fact]
    public async Task Warming_up_dead_letters_before_start_is_refused()
    {
        var topic = await fixture.CreateTopicAsync("dlq-warm-early", 1);
        await using var consumer = TestKafka.Builder(fixture, new SluiceConsumerOptions())
            .SetHandler((_, _) => ValueTask.CompletedTask)
            .Build();

        await Assert.ThrowsAsync<InvalidOperationException>(() => consumer.WarmUpDeadLettersAsync(topic, TimeSpan.FromSeconds(1)));
    }
}
