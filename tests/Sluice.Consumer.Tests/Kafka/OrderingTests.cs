using System.Collections.Concurrent;
using System.Text;
using Sluice.Testing;
using Sluice.Testing.Kafka;
using Xunit.Abstractions;

namespace Sluice.Consumer.Tests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class OrderingTests(KafkaFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task PerKey_With64Workers_EachKeyProcessedOneAtATimeInOffsetOrder()
    {
        const int partitions = 4;
        const int records = 12_000;
        const int keys = 300;
        var topic = await fixture.CreateTopicAsync("per-key", partitions);
        await TestKafka.ProduceAsync(fixture, topic, partitions, records, key: i => Encoding.UTF8.GetBytes($"key-{i * 7 % keys}"));

        var options = new SluiceConsumerOptions { Workers = 64, Ordering = MessageOrdering.PerKey };
        TestKafka.PinAll(options, topic, partitions);
        var active = new ConcurrentDictionary<string, int>();
        var last = new ConcurrentDictionary<(int, string), long>();
        var violations = new ConcurrentQueue<string>();
        var concurrent = 0;
        var maxConcurrent = 0;
        var done = 0;
        await using var consumer = TestKafka.Builder(fixture, options)
            .SetHandler(async (message, ct) =>
            {
                var key = Encoding.UTF8.GetString(message.Key!);
                if (active.AddOrUpdate(key, 1, (_, n) => n + 1) != 1)
                {
                    violations.Enqueue($"{key} ran twice at once");
                }
                var now = Interlocked.Increment(ref concurrent);
                InterlockedMax(ref maxConcurrent, now);
                var previous = last.GetValueOrDefault((message.Partition, key), -1);
                if (message.Offset <= previous)
                {
                    violations.Enqueue($"{key} at {message.Partition}@{message.Offset} after {previous}");
                }
                last[(message.Partition, key)] = message.Offset;
                await Task.Yield();
                if (message.Offset % 50 == 0)
                {
                    await Task.Delay(1, ct);
                }
                Interlocked.Decrement(ref concurrent);
                active.AddOrUpdate(key, 0, (_, n) => n - 1);
                Interlocked.Increment(ref done);
            })
            .Build();
        await consumer.StartAsync();

        await Eventually.TrueAsync(() => Volatile.Read(ref done) == records, TimeSpan.FromSeconds(60), $"all processed ({done})");
        output.WriteLine($"{records} records, {keys} keys, 64 workers: at most {maxConcurrent} handlers at once; {violations.Count} violations");
        Assert.Empty(violations);
        Assert.True(maxConcurrent > 1, "different keys ran in parallel");
    }

    [Fact]
    public async Task PerPartition_EachPartitionProcessedOneAtATimeInOffsetOrder()
    {
        const int partitions = 6;
        const int records = 6_000;
        var topic = await fixture.CreateTopicAsync("per-partition", partitions);
        await TestKafka.ProduceAsync(fixture, topic, partitions, records);

        var options = new SluiceConsumerOptions { Workers = 8 };
        TestKafka.PinAll(options, topic, partitions);
        var active = new int[partitions];
        var next = new long[partitions];
        var violations = new ConcurrentQueue<string>();
        var done = 0;
        await using var consumer = TestKafka.Builder(fixture, options)
            .SetHandler(async (message, _) =>
            {
                var p = message.Partition;
                if (Interlocked.Increment(ref active[p]) != 1)
                {
                    violations.Enqueue($"partition {p} ran twice at once");
                }
                if (message.Offset != next[p])
                {
                    violations.Enqueue($"partition {p}: {message.Offset} where {next[p]} was next");
                }
                next[p] = message.Offset + 1;
                await Task.Yield();
                Interlocked.Decrement(ref active[p]);
                Interlocked.Increment(ref done);
            })
            .Build();
        await consumer.StartAsync();

        await Eventually.TrueAsync(() => Volatile.Read(ref done) == records, TimeSpan.FromSeconds(60), $"all processed ({done})");
        Assert.Empty(violations);
        Assert.All(next, n => Assert.Equal(records / partitions, n));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }
}
