using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Sluice.Consumer.Failures;
using Sluice.Consumer.Progress;
using Sluice.Testing;
using Sluice.Testing.Kafka;

namespace Sluice.Consumer.Tests.Kafka;

/// <summary>
/// Issue 11, "Bad input", on the Kafka side: records with null keys and values, 1 MiB values, a thousand
/// headers, and bytes the handler cannot decode. Odd but valid records are processed once each; records the
/// handler rejects go through the failure policy, never crash a worker or the consumer.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class BadRecordTests(KafkaFixture fixture)
{
    private const int OneMiB = 1024 * 1024;
    private const int ManyHeaders = 1000;

    /// <summary>What a handler saw of one record.</summary>
    private sealed record Seen(bool KeyNull, int? ValueLength, int Headers, byte[]? LastHeader);

    /// <summary>The kinds of odd records, by index modulo <see cref="Kinds"/>.</summary>
    private static readonly string[] Kinds = ["plain", "null key", "null value", "null key and value", "1 MiB value", "1,000 headers", "empty value", "binary key"];

    /// <summary>
    /// Only the first three "1 MiB value" records (4, 12, 20) are that big: the embedded Kafka keeps about 5 MiB a
    /// partition and drops older record batches beyond that, as retention would; later ones are plain.
    /// </summary>
    private static string KindOf(int i) => Kinds[i % Kinds.Length] is "1 MiB value" && i > 20 ? "plain" : Kinds[i % Kinds.Length];

    private static Message<byte[]?, byte[]?> Record(int i, bool undecodable)
    {
        var kind = KindOf(i);
        var message = new Message<byte[]?, byte[]?>
        {
            Key = kind switch
            {
                "null key" or "null key and value" => null,
                "binary key" => [0xFF, 0x00, 0xFE, (byte)i],
                _ => Encoding.UTF8.GetBytes($"key-{i}"),
            },
            Value = kind switch
            {
                "null value" or "null key and value" => null,
                "empty value" => [],
                "1 MiB value" => Encoding.UTF8.GetBytes($"{{\"n\":{i},\"pad\":\"" + new string('x', OneMiB - 32) + "\"}"),
                _ => Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"),
            },
        };
        if (kind == "1,000 headers")
        {
            message.Headers = [];
            for (var h = 0; h < ManyHeaders; h++)
            {
                // One header without a value, the rest small: both must survive.
                message.Headers.Add($"h{h}", h == 0 ? null : Encoding.UTF8.GetBytes($"v{h}"));
            }
        }
        if (undecodable)
        {
            // Not UTF-8, not JSON; the copy in the 1 MiB record keeps its size.
            var bad = new byte[] { 0xC3, 0x28, 0xFF, (byte)'{' };
            message.Value = kind == "1 MiB value" ? [.. bad, .. new byte[OneMiB - bad.Length]] : bad;
        }
        return message;
    }

    private static async Task ProduceAsync(KafkaFixture fixture, string topic, int partitions, int count, Func<int, bool> undecodable)
    {
        // Room for a 1 MiB value plus headers (librdkafka's default is 1,000,000 bytes).
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = fixture.BootstrapServers,
            Acks = Acks.All,
            LingerMs = 2,
            MessageMaxBytes = 4 * OneMiB,
        }).Build();
        var deliveries = Enumerable.Range(0, count)
            .Select(i => producer.ProduceAsync(new TopicPartition(topic, i % partitions), Record(i, undecodable(i))))
            .ToList();
        await Task.WhenAll(deliveries);
    }

    /// <summary>A strict decoder: null and empty values are tombstones; anything else must be UTF-8 JSON with a number "n".</summary>
    private static int? Decode(byte[]? value)
    {
        if (value is null || value.Length == 0)
        {
            return null;
        }
        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(value);
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("n").GetInt32();
    }

    private static Seen See(ConsumedMessage message) =>
        new(message.Key is null, message.Value?.Length, message.Headers?.Count ?? 0, message.Headers is { Count: > 0 } h ? h[^1].GetValueBytes() : null);

    [Fact]
    public async Task Odd_but_valid_records_are_each_processed_once_with_their_key_value_and_headers_intact()
    {
        const int partitions = 2;
        const int records = 64;
        var topic = await fixture.CreateTopicAsync("odd-records", partitions);
        await ProduceAsync(fixture, topic, partitions, records, undecodable: _ => false);
        var options = new SluiceConsumerOptions { Workers = 4 };
        TestKafka.PinAll(options, topic, partitions);
        var seen = new ConcurrentDictionary<(int, long), List<Seen>>();
        var decoded = new ConcurrentBag<int>();
        await using var consumer = TestKafka.Builder(fixture, options)
            .SetHandler((message, _) =>
            {
                if (Decode(message.Value) is { } n)
                {
                    decoded.Add(n);
                }
                seen.GetOrAdd((message.Partition, message.Offset), _ => []).Add(See(message));
                return ValueTask.CompletedTask;
            })
            .Build();
        await consumer.StartAsync();

        await Eventually.TrueAsync(() => seen.Count == records, TimeSpan.FromSeconds(30), "every record is handled");
        await Eventually.TrueAsync(() => consumer.GetProgress().All(p => p.ProcessedOffset == records / partitions - 1), TimeSpan.FromSeconds(10), "every partition completes");

        Assert.All(seen.Values, s => Assert.Single(s));
        var all = seen.Values.Select(s => s[0]).ToList();
        Assert.Equal(records / Kinds.Length * 2, all.Count(s => s.KeyNull));
        Assert.Equal(records / Kinds.Length * 2, all.Count(s => s.ValueLength is null));
        Assert.Equal(3, all.Count(s => s.ValueLength > OneMiB - 64));
        var withHeaders = all.Where(s => s.Headers > 0).ToList();
        Assert.Equal(records / Kinds.Length, withHeaders.Count);
        Assert.All(withHeaders, s => Assert.Equal(ManyHeaders, s.Headers));
        Assert.All(withHeaders, s => Assert.Equal($"v{ManyHeaders - 1}", Encoding.UTF8.GetString(s.LastHeader!)));
        Assert.All(consumer.GetProgress(), p => Assert.Equal(PartitionState.Owned, p.State));
        Assert.Equal(0, consumer.GetProgress().Sum(p => p.Failures));
    }

    [Fact]
    public async Task Undecodable_records_go_to_the_dead_letter_topic_with_failure_headers_and_everything_else_is_processed_once()
    {
        const int partitions = 3;
        const int records = 240;
        var topic = await fixture.CreateTopicAsync("undecodable", partitions);
        await fixture.Cluster.CreateTopicAsync(topic + ".dlq", 1);
        // Every kind with a value is undecodable somewhere (i % 8 sweeps the kinds, i % 5 == 0 picks one in five); 20 is the big one.
        static bool Undecodable(int i) => i % 5 == 0 && KindOf(i) is not ("null value" or "null key and value" or "empty value");
        await ProduceAsync(fixture, topic, partitions, records, Undecodable);
        var expectedDead = Enumerable.Range(0, records).Where(Undecodable).ToHashSet();
        var options = new SluiceConsumerOptions { Workers = 4, MaxRetryAttempts = 1, RetryDelay = TimeSpan.FromMilliseconds(1), RetryUseJitter = false };
        TestKafka.PinAll(options, topic, partitions);
        var processed = new ConcurrentDictionary<(int, long), int>();
        var attempts = new ConcurrentDictionary<(int, long), int>();
        await using var consumer = TestKafka.Builder(fixture, options)
            .SetHandler((message, _) =>
            {
                attempts.AddOrUpdate((message.Partition, message.Offset), 1, (_, n) => n + 1);
                Decode(message.Value);
                processed.AddOrUpdate((message.Partition, message.Offset), 1, (_, n) => n + 1);
                return ValueTask.CompletedTask;
            })
            .SetFailureCallback(_ => ValueTask.FromResult(FailedDecision.DeadLetterAndContinue))
            .Build();
        await consumer.StartAsync();

        await Eventually.TrueAsync(() => consumer.GetProgress().All(p => p.ProcessedOffset == records / partitions - 1 || p.State == PartitionState.Failed),
            TimeSpan.FromSeconds(60), "every partition completes (or stops)");

        Assert.All(consumer.GetProgress(), p => Assert.Equal(PartitionState.Owned, p.State));
        Assert.Equal(records - expectedDead.Count, processed.Count);
        Assert.All(processed.Values, n => Assert.Equal(1, n));
        var dead = ReadDeadLetters(topic + ".dlq", partitions, expectedDead.Count);
        Assert.Equal(expectedDead.Order(), dead.Select(d => d.Index).Order());
        Assert.All(dead, d =>
        {
            var original = Record(d.Index, undecodable: true);
            Assert.Equal(topic, Header(d.Message, DeadLetterPublisher.OriginalTopicHeader));
            Assert.Contains("DecoderFallbackException", Header(d.Message, DeadLetterPublisher.ErrorHeader));
            Assert.Equal(original.Key, d.Message.Key);
            Assert.Equal(original.Value, d.Message.Value);
            Assert.Equal((original.Headers?.Count ?? 0) + 4, d.Message.Headers.Count);
            Assert.Equal(2, attempts[(d.Index % partitions, d.Index / partitions)]); // the first attempt and one retry
        });
        foreach (var p in Enumerable.Range(0, partitions))
        {
            var released = await consumer.ReleaseAsync(new TopicPartition(topic, p), 0, TimeSpan.FromSeconds(10));
            Assert.Equal(records / partitions, released.NextOffset);
            Assert.False(released.Failed);
        }
    }

    /// <summary>The dead letters, each with the index of the record it copies (record i went to partition i % partitions at offset i / partitions).</summary>
    private List<(int Index, Message<byte[]?, byte[]?> Message)> ReadDeadLetters(string topic, int partitions, int expected)
    {
        var config = TestKafka.ConsumerConfig(fixture);
        using var reader = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        reader.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var dead = new List<(int, Message<byte[]?, byte[]?>)>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (dead.Count < expected && DateTime.UtcNow < deadline)
        {
            if (reader.Consume(TimeSpan.FromMilliseconds(500)) is { } result)
            {
                var partition = int.Parse(Header(result.Message, DeadLetterPublisher.OriginalPartitionHeader));
                var offset = long.Parse(Header(result.Message, DeadLetterPublisher.OriginalOffsetHeader));
                dead.Add(((int)(offset * partitions + partition), result.Message));
            }
        }
        // Nothing beyond the expected ones: each undecodable record is dead-lettered once.
        Assert.Null(reader.Consume(TimeSpan.FromMilliseconds(300)));
        return dead;
    }

    private static string Header(Message<byte[]?, byte[]?> message, string name) => Encoding.UTF8.GetString(message.Headers.GetLastBytes(name));
}
