using System.Diagnostics;
using Confluent.Kafka;
using Sluice.Testing.Kafka;
using Xunit.Abstractions;

namespace Sluice.Local.Tests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class EmbeddedKafkaRoundTripTests(KafkaFixture kafka, ITestOutputHelper output)
{
    private const int Partitions = 12;

    [Fact]
    public async Task Hundred_thousand_records_over_twelve_partitions_are_each_consumed_exactly_once()
    {
        const int count = 100_000;
        var topic = await kafka.CreateTopicAsync("roundtrip", Partitions);
        using (var producer = new ProducerBuilder<Null, byte[]>(Records.ProducerConfig(kafka.BootstrapServers)).Build())
        {
            Records.Produce(producer, topic, Partitions, count);
        }

        var seen = new bool[count];
        long checksum = 0, duplicates = 0, received = 0;
        var clock = Stopwatch.StartNew();
        using (var consumer = new ConsumerBuilder<Ignore, byte[]>(Records.ConsumerConfig(kafka.BootstrapServers, kafka.FetchWaitMaxMs)).Build())
        {
            consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
            while (received < count)
            {
                var result = consumer.Consume(TimeSpan.FromSeconds(15));
                Assert.True(result is not null, $"consumption stalled after {received} of {count} records");
                var n = Records.Number(result.Message.Value);
                Assert.Equal((int)(n % Partitions), result.Partition.Value);
                Assert.Equal((byte)(n % 251), result.Message.Value[99]);
                if (seen[n])
                {
                    duplicates++;
                }
                seen[n] = true;
                checksum += n;
                received++;
            }
            // Nothing more may arrive: every record was read once.
            Assert.Null(consumer.Consume(TimeSpan.FromMilliseconds(300)));
        }

        output.WriteLine($"{kafka.Cluster.Description}: consumed {count} in {clock.Elapsed.TotalSeconds:0.00} s");
        Assert.Equal(0, duplicates);
        Assert.All(seen, Assert.True);
        Assert.Equal((long)count * (count - 1) / 2, checksum);
    }

    [Fact]
    public async Task Kcat_in_another_process_reads_the_same_count_over_tcp()
    {
        const int count = 5_000;
        var topic = await kafka.CreateTopicAsync("kcat", 3);
        using (var producer = new ProducerBuilder<Null, byte[]>(Records.ProducerConfig(kafka.BootstrapServers)).Build())
        {
            Records.Produce(producer, topic, 3, count);
        }

        var kcat = Kcat.Locate();
        var start = new ProcessStartInfo(kcat)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "-C", "-b", kafka.BootstrapServers, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%p:%o\\n" },
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("kcat did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(process.ExitCode == 0, $"kcat exited {process.ExitCode}: {await stderr}");
        Assert.Equal(count, lines.Distinct().Count());
        Assert.Equal(count, lines.Length);
    }
}
