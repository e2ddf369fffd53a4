using System.Text.Json;
using Confluent.Kafka;
using Sluice.Local.Kafka;
using Sluice.Testing;

namespace Sluice.Local.Tests.Kafka;

/// <summary>Fault injection on a cluster of the test's own, so the faults touch no other test.</summary>
public sealed class EmbeddedKafkaFaultTests
{
    [Fact]
    public async Task Broker_down_stalls_consumption_and_broker_up_resumes_it_without_loss()
    {
        using var kafka = EmbeddedKafka.Start(brokers: 1);
        var topic = "down-up-" + Guid.NewGuid().ToString("N");
        kafka.CreateTopic(topic, 4);
        var producerConfig = Records.ProducerConfig(kafka.BootstrapServers);
        producerConfig.MessageTimeoutMs = 120_000;
        producerConfig.ReconnectBackoffMaxMs = 200;
        using var producer = new ProducerBuilder<Null, byte[]>(producerConfig).Build();
        var consumerConfig = Records.ConsumerConfig(kafka.BootstrapServers, EmbeddedKafka.RecommendedFetchWaitMaxMs);
        consumerConfig.ReconnectBackoffMaxMs = 200;
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(consumerConfig).Build();
        consumer.Assign(Enumerable.Range(0, 4).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var seen = new HashSet<long>();

        Records.Produce(producer, topic, 4, 2_000);
        await ConsumeUntilAsync(consumer, seen, 2_000, "the first 2,000 records before the broker goes down");

        kafka.SetBrokerDown(1);
        var queued = ProduceAsync(producer, topic, from: 2_000, to: 4_000);
        // An observation window, not a wait for an outcome: while the broker is down nothing may arrive.
        var during = ConsumeFor(consumer, seen, TimeSpan.FromSeconds(1.5));
        Assert.Equal(0, during);
        Assert.False(queued.IsCompleted, "deliveries cannot complete while the only broker is down");

        kafka.SetBrokerUp(1);
        await Eventually.WithinAsync(queued, TimeSpan.FromSeconds(60), "queued records are delivered once the broker is back");
        await ConsumeUntilAsync(consumer, seen, 4_000, "consumption resumes after the broker is back");
        Assert.Equal(Enumerable.Range(0, 4_000).Select(n => (long)n), seen.Order());
    }

    [Fact]
    public async Task Injected_produce_errors_are_retried_by_an_idempotent_producer_without_duplicates()
    {
        using var kafka = EmbeddedKafka.Start(brokers: 1);
        var topic = "idempotent-" + Guid.NewGuid().ToString("N");
        kafka.CreateTopic(topic, 2);
        var injected = new[]
        {
            ErrorCode.NotEnoughReplicas, ErrorCode.RequestTimedOut, ErrorCode.NotEnoughReplicasAfterAppend,
            ErrorCode.NotEnoughReplicas, ErrorCode.RequestTimedOut,
        };
        kafka.InjectRequestErrors(KafkaApiKey.Produce, injected);

        var produceRequests = 0L;
        var config = Records.ProducerConfig(kafka.BootstrapServers);
        config.EnableIdempotence = true;
        config.StatisticsIntervalMs = 50;
        config.RetryBackoffMs = 10;
        using (var producer = new ProducerBuilder<Null, byte[]>(config)
                   .SetStatisticsHandler((_, json) => Interlocked.Exchange(ref produceRequests, ProduceRequests(json)))
                   .Build())
        {
            // One record first: with five injected errors it takes exactly six Produce requests.
            var first = await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<Null, byte[]> { Value = Records.Value(0) });
            Assert.Equal(PersistenceStatus.Persisted, first.Status);
            await Eventually.TrueAsync(() => Interlocked.Read(ref produceRequests) >= injected.Length + 1,
                TimeSpan.FromSeconds(10), $"the producer's statistics show {injected.Length + 1} Produce requests for the first record");

            // The rest, with more errors injected while batches are in flight.
            kafka.InjectRequestErrors(KafkaApiKey.Produce, injected);
            for (var n = 1; n < 3_000; n++)
            {
                producer.Produce(new TopicPartition(topic, n % 2), new Message<Null, byte[]> { Value = Records.Value(n) });
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        }

        using var consumer = new ConsumerBuilder<Ignore, byte[]>(
            Records.ConsumerConfig(kafka.BootstrapServers, EmbeddedKafka.RecommendedFetchWaitMaxMs)).Build();
        consumer.Assign([new TopicPartitionOffset(topic, 0, Offset.Beginning), new TopicPartitionOffset(topic, 1, Offset.Beginning)]);
        var numbers = new List<long>();
        await ConsumeUntilAsync(consumer, numbers, 3_000, "all 3,000 records are readable");
        Assert.Null(consumer.Consume(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(3_000, numbers.Count);
        Assert.Equal(3_000, numbers.Distinct().Count());
    }

    /// <summary>Produce requests sent, summed over brokers, from librdkafka's statistics.</summary>
    private static long ProduceRequests(string statistics)
    {
        using var doc = JsonDocument.Parse(statistics);
        return doc.RootElement.GetProperty("brokers").EnumerateObject()
            .Sum(b => b.Value.TryGetProperty("req", out var req) && req.TryGetProperty("Produce", out var n) ? n.GetInt64() : 0);
    }

    private static Task ProduceAsync(IProducer<Null, byte[]> producer, string topic, int from, int to)
    {
        var tasks = Enumerable.Range(from, to - from)
            .Select(n => producer.ProduceAsync(new TopicPartition(topic, n % 4), new Message<Null, byte[]> { Value = Records.Value(n) }))
            .ToArray();
        return Task.WhenAll(tasks);
    }

    private static int ConsumeFor(IConsumer<Ignore, byte[]> consumer, ICollection<long> seen, TimeSpan window)
    {
        var until = DateTime.UtcNow + window;
        var count = 0;
        while (DateTime.UtcNow < until)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(50));
            if (result is not null)
            {
                seen.Add(Records.Number(result.Message.Value));
                count++;
            }
        }
        return count;
    }

    private static Task ConsumeUntilAsync(IConsumer<Ignore, byte[]> consumer, ICollection<long> seen, int total, string because) =>
        Eventually.TrueAsync(() =>
        {
            // Drain what is there, then let the bounded wait decide whether to go on.
            while (seen.Count < total && consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
            {
                seen.Add(Records.Number(result.Message.Value));
            }
            return seen.Count >= total;
        }, TimeSpan.FromSeconds(60), because);
}
