using System.Buffers.Binary;
using Confluent.Kafka;

namespace Sluice.Local.Tests.Kafka;

/// <summary>Produces numbered records and reads them back, for counting and checksums.</summary>
internal static class Records
{
    /// <summary>The value of record <paramref name="n"/>: its number in 8 bytes, padded to 100 bytes.</summary>
    public static byte[] Value(long n)
    {
        var value = new byte[100];
        BinaryPrimitives.WriteInt64LittleEndian(value, n);
        value[99] = (byte)(n % 251);
        return value;
    }

    public static long Number(byte[] value) => BinaryPrimitives.ReadInt64LittleEndian(value);

    /// <summary>Produces records 0..count-1 round-robin over the partitions and waits for every delivery.</summary>
    public static void Produce(IProducer<Null, byte[]> producer, string topic, int partitions, int count)
    {
        var failures = 0;
        Action<DeliveryReport<Null, byte[]>> report = r =>
        {
            if (r.Error.IsError)
            {
                Interlocked.Increment(ref failures);
            }
        };
        for (var n = 0; n < count; n++)
        {
            while (true)
            {
                try
                {
                    producer.Produce(new TopicPartition(topic, n % partitions), new Message<Null, byte[]> { Value = Value(n) }, report);
                    break;
                }
                catch (ProduceException<Null, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(5));
                }
            }
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, Volatile.Read(ref failures));
    }

    public static ProducerConfig ProducerConfig(string bootstrap) => new()
    {
        BootstrapServers = bootstrap,
        LingerMs = 5,
        BatchSize = 500_000,
        QueueBufferingMaxMessages = 500_000,
    };

    public static ConsumerConfig ConsumerConfig(string bootstrap, int fetchWaitMaxMs) => new()
    {
        BootstrapServers = bootstrap,
        GroupId = "test-" + Guid.NewGuid().ToString("N"),
        EnableAutoCommit = false,
        FetchWaitMaxMs = fetchWaitMaxMs,
    };
}
