using System.Diagnostics;
using Confluent.Kafka;
using Sluice.Bench.Harness;
using Sluice.Local.Kafka;

namespace Sluice.Bench.Scenarios;

/// <summary>
/// Sanity of the test world: produce N × 100 B records to the embedded cluster, then consume
/// them all with an explicit assignment; ratio = consume rate ÷ produce rate (informative).
/// </summary>
internal sealed class KafkaBenchmark : IBenchmark
{
    private const int Partitions = 12;
    private const int ValueBytes = 100;

    public string Name => "kafka";

    public string Description => "produce vs consume of 100 B records on the embedded Kafka (12 partitions)";

    public async Task<BenchmarkResult> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var records = context.Quick ? 200_000 : 1_000_000;
        using var kafka = EmbeddedKafka.Start(brokers: 1);
        var topic = $"bench-kafka-{Guid.NewGuid():N}";
        kafka.CreateTopic(topic, Partitions);
        context.Progress($"embedded Kafka at {kafka.BootstrapServers}, topic {topic}, {records:N0} records");

        var produce = BenchProducer.Fill(kafka.BootstrapServers, topic, records, Partitions, ValueBytes, _ => null);
        context.Progress($"produced {records:N0} in {produce.TotalSeconds:0.00} s");
        var consume = await Task.Run(() => Consume(kafka.BootstrapServers, topic, records, context, cancellationToken), cancellationToken);
        context.Progress($"consumed {records:N0} in {consume.TotalSeconds:0.00} s");

        var produceRate = records / produce.TotalSeconds;
        var consumeRate = records / consume.TotalSeconds;
        return new BenchmarkResult(
            consumeRate / produceRate,
            Goal.Informative,
            new Dictionary<string, double>
            {
                ["records"] = records,
                ["value_bytes"] = ValueBytes,
                ["partitions"] = Partitions,
                ["produce_msgs_per_s"] = Math.Round(produceRate),
                ["consume_msgs_per_s"] = Math.Round(consumeRate),
                ["produce_seconds"] = produce.TotalSeconds,
                ["consume_seconds"] = consume.TotalSeconds,
            },
            [
                ["direction", "records", "seconds", "msgs/s", "MB/s"],
                ["produce", $"{records:N0}", $"{produce.TotalSeconds:0.00}", $"{produceRate:N0}", $"{produceRate * ValueBytes / 1e6:0.0}"],
                ["consume", $"{records:N0}", $"{consume.TotalSeconds:0.00}", $"{consumeRate:N0}", $"{consumeRate * ValueBytes / 1e6:0.0}"],
            ],
            [
                $"librdkafka mock cluster; consumer fetch.wait.max.ms={EmbeddedKafka.RecommendedFetchWaitMaxMs}. " +
                "Compare ratios on the same mock, never absolute rates against a real broker.",
            ]);
    }

    private static TimeSpan Consume(string bootstrap, string topic, int records, BenchmarkContext context, CancellationToken cancellationToken)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "bench-kafka",
            EnableAutoCommit = false,
            FetchWaitMaxMs = EmbeddedKafka.RecommendedFetchWaitMaxMs,
            FetchMaxBytes = 52_428_800,
            MaxPartitionFetchBytes = 10_485_760,
        };
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config).Build();
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var clock = Stopwatch.StartNew();
        var seen = 0;
        var nextReport = records / 4;
        while (seen < records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = consumer.Consume(TimeSpan.FromSeconds(10))
                ?? throw new InvalidOperationException($"consumption stalled for 10 s after {seen:N0} of {records:N0} records");
            seen++;
            if (seen == nextReport)
            {
                context.Progress($"consumed {seen:N0}");
                nextReport += records / 4;
            }
        }
        clock.Stop();
        consumer.Close();
        return clock.Elapsed;
    }
}
