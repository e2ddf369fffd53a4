using System.Diagnostics;
using Confluent.Kafka;

namespace Sluice.Bench.Harness;

/// <summary>Fills a topic for a benchmark: round-robin over partitions, large batches, waits on a full queue.</summary>
internal static class BenchProducer
{
    /// <summary>
    /// Produces <paramref name="records"/> records of <paramref name="valueBytes"/> bytes, record i to
    /// partition i mod <paramref name="partitions"/> with key <paramref name="key"/>(i), and waits until
    /// every one is delivered.
    /// </summary>
    /// <returns>The time from the first produce to the last delivery.</returns>
    /// <exception cref="InvalidOperationException">A record failed, or was still undelivered after the flush.</exception>
    public static TimeSpan Fill(string bootstrap, string topic, int records, int partitions, int valueBytes, Func<int, byte[]?> key)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap,
            LingerMs = 10,
            BatchSize = 1_000_000,
            QueueBufferingMaxMessages = 1_000_000,
            QueueBufferingMaxKbytes = 1_048_576,
            Acks = Acks.Leader,
        };
        using var producer = new ProducerBuilder<byte[]?, byte[]>(config).Build();
        var value = new byte[valueBytes];
        var failed = 0L;
        Action<DeliveryReport<byte[]?, byte[]>> onDelivery = report =>
        {
            if (report.Error.IsError)
            {
                Interlocked.Increment(ref failed);
            }
        };
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < records; i++)
        {
            var message = new Message<byte[]?, byte[]> { Key = key(i), Value = value };
            while (true)
            {
                try
                {
                    producer.Produce(new TopicPartition(topic, i % partitions), message, onDelivery);
                    break;
                }
                catch (ProduceException<byte[]?, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(10));
                }
            }
        }
        var undelivered = producer.Flush(TimeSpan.FromMinutes(5));
        clock.Stop();
        if (undelivered > 0 || failed > 0)
        {
            throw new InvalidOperationException($"{failed} record(s) failed and {undelivered} were still undelivered after the flush.");
        }
        return clock.Elapsed;
    }
}
