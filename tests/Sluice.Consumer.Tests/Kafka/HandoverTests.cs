using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Sluice.Consumer.Ownership;
using Sluice.Testing;
using Sluice.Testing.Kafka;
using Xunit.Abstractions;

namespace Sluice.Consumer.Tests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class HandoverTests(KafkaFixture fixture, ITestOutputHelper output)
{
    private const int Partitions = 12;
    private const int Moves = 20;

    private sealed record Processed(string Consumer, long Ticks);

    [Fact]
    public async Task Handover_TwelvePartitionsMovedTwentyTimesUnderLoad_EveryRecordProcessedExactlyOnce()
    {
        var topic = await fixture.CreateTopicAsync("handover", Partitions);
        var config = TestKafka.ConsumerConfig(fixture); // one group: the committed offsets travel with the partition
        var processed = new ConcurrentDictionary<(int Partition, long Offset), ConcurrentBag<Processed>>();
        SluiceConsumer Create(string name) => TestKafka.Builder(fixture, new SluiceConsumerOptions { Name = name, Workers = 4 }, config)
            .SetHandler((message, _) =>
            {
                processed.GetOrAdd((message.Partition, message.Offset), _ => []).Add(new Processed(name, Stopwatch.GetTimestamp()));
                return ValueTask.CompletedTask;
            })
            .Build();

        await using var a = Create("A");
        await using var b = Create("B");
        await a.StartAsync();
        await b.StartAsync(); // B is warm before any release
        var owner = new SluiceConsumer[Partitions];
        var epoch = new long[Partitions];
        for (var p = 0; p < Partitions; p++)
        {
            owner[p] = a;
            epoch[p] = 1;
            Assert.Equal(AssignOutcome.Assigned, (await a.AssignAsync(new TopicPartition(topic, p), 0, 1)).Outcome);
        }

        // A producer running throughout.
        using var stopProducing = new CancellationTokenSource();
        var delivered = new ConcurrentDictionary<(int, long), byte>();
        var producer = Task.Run(async () =>
        {
            using var kafka = TestKafka.Producer(fixture);
            var i = 0;
            while (!stopProducing.IsCancellationRequested)
            {
                for (var n = 0; n < 24; n++, i++)
                {
                    kafka.Produce(new TopicPartition(topic, i % Partitions), new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes($"k{i % 97}"), Value = BitConverter.GetBytes(i) },
                        r =>
                        {
                            if (!r.Error.IsError)
                            {
                                delivered[(r.Partition.Value, r.Offset.Value)] = 0;
                            }
                        });
                }
                await Task.Delay(5);
            }
            kafka.Flush(TimeSpan.FromSeconds(30));
        });

        var releaseTimes = new List<double>();
        for (var move = 1; move <= Moves; move++)
        {
            await Task.Delay(60);
            var moves = Enumerable.Range(0, Partitions).Select(async p =>
            {
                var tp = new TopicPartition(topic, p);
                var from = owner[p];
                var to = ReferenceEquals(from, a) ? b : a;
                var released = await from.ReleaseAsync(tp, epoch[p], TimeSpan.FromSeconds(10));
                Assert.Equal(ReleaseOutcome.Released, released.Outcome);
                Assert.True(released.NextOffset >= 0, $"partition {p}: release returned {released.NextOffset}");
                lock (releaseTimes)
                {
                    releaseTimes.Add(released.Duration.TotalMilliseconds);
                }
                epoch[p]++;
                var assigned = await to.AssignAsync(tp, released.NextOffset, epoch[p]);
                Assert.Equal(AssignOutcome.Assigned, assigned.Outcome);
                owner[p] = to;
            });
            await Task.WhenAll(moves);
        }

        await Task.Delay(100);
        await stopProducing.CancelAsync();
        await producer;
        await Eventually.TrueAsync(() => delivered.Keys.All(processed.ContainsKey), TimeSpan.FromSeconds(30),
            $"every delivered record is processed ({processed.Count} of {delivered.Count})");
        await Task.Delay(200); // a late duplicate would show up here

        // Per record: every delivered offset processed once, nothing else processed, no gaps.
        Assert.True(delivered.Count > 2_000, $"the producer ran throughout ({delivered.Count} records)");
        var duplicates = processed.Where(kv => kv.Value.Count != 1).Select(kv => $"{kv.Key}×{kv.Value.Count}").ToList();
        Assert.True(duplicates.Count == 0, "duplicates: " + string.Join(", ", duplicates.Take(20)));
        var unknown = processed.Keys.Where(k => !delivered.ContainsKey(k)).ToList();
        Assert.Empty(unknown);
        for (var p = 0; p < Partitions; p++)
        {
            var offsets = delivered.Keys.Where(k => k.Item1 == p).Select(k => k.Item2).Order().ToList();
            Assert.Equal(Enumerable.Range(0, offsets.Count).Select(i => (long)i), offsets);
        }

        // The gap: A's last processed record of P → B's first processed record of P, per handover.
        output.WriteLine($"{delivered.Count} records, {Partitions} partitions, {Moves} moves each; release p50 {Percentile(releaseTimes, 50):0.0} ms, max {releaseTimes.Max():0.0} ms");
        output.WriteLine("partition  handovers  gap p50 ms  gap max ms");
        for (var p = 0; p < Partitions; p++)
        {
            var sequence = processed.Where(kv => kv.Key.Partition == p).OrderBy(kv => kv.Key.Offset).Select(kv => kv.Value.Single()).ToList();
            var gaps = new List<double>();
            for (var i = 1; i < sequence.Count; i++)
            {
                if (sequence[i].Consumer != sequence[i - 1].Consumer)
                {
                    gaps.Add(Stopwatch.GetElapsedTime(sequence[i - 1].Ticks, sequence[i].Ticks).TotalMilliseconds);
                }
            }
            output.WriteLine($"{p,9}  {gaps.Count,9}  {Percentile(gaps, 50),10:0.0}  {(gaps.Count > 0 ? gaps.Max() : 0),10:0.0}");
        }
    }

    private static double Percentile(List<double> values, double percentile)
    {
        if (values.Count == 0)
        {
            return 0;
        }
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
