using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Consumer;
using Sluice.Consumer.Failures;
using Sluice.Executor.Handlers;
using Sluice.Testing;
using Sluice.Testing.Kafka;

namespace Sluice.Executor.Tests.Handlers;

/// <summary>The recording handler run by a real consumer core against the embedded Kafka.</summary>
[Collection(KafkaCollection.Name)]
public sealed class RecordingHandlerTests(KafkaFixture kafka) : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("sluice-record-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    private async Task<string> ProduceAsync(int count, Func<int, string> value)
    {
        var topic = await kafka.CreateTopicAsync("record", 3);
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        for (var i = 0; i < count; i++)
        {
            producer.Produce(new TopicPartition(topic, i % 3), new Message<string, string> { Key = $"k{i}", Value = value(i) });
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        return topic;
    }

    private async Task<SluiceConsumer> StartAsync(string topic, Dictionary<string, string> settings, SluiceConsumerOptions? options = null)
    {
        settings["output"] = _output;
        var handler = HandlerFactory.Create("", "sluice:record",
            new HandlerContext("task-a", "orders", "v7", _output, settings, NullLoggerFactory.Instance));
        var config = new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = "g-" + Guid.NewGuid().ToString("N"),
            FetchWaitMaxMs = kafka.FetchWaitMaxMs,
        };
        var builder = new SluiceConsumerBuilder(config)
            .SetOptions(options ?? new SluiceConsumerOptions())
            .SetFailureCallback(_ => ValueTask.FromResult(FailedDecision.CommitOffsetAndContinue));
        var consumer = handler.ApplyTo(builder).Build();
        await consumer.StartAsync();
        for (var p = 0; p < 3; p++)
        {
            await consumer.AssignAsync(new TopicPartition(topic, p), 0, epoch: 1);
        }
        return consumer;
    }

    [Fact]
    public async Task Every_processed_record_is_written_once_with_task_and_version()
    {
        var topic = await ProduceAsync(300, i => $"value-{i}");
        await using var consumer = await StartAsync(topic, []);

        await Eventually.TrueAsync(() => ProcessedRecord.ReadAll(_output).Count >= 300, TimeSpan.FromSeconds(30), "300 records recorded");
        await consumer.StopAsync();

        var records = ProcessedRecord.ReadAll(_output);
        Assert.Equal(300, records.Count);
        Assert.Equal(300, records.Select(r => (r.Partition, r.Offset)).Distinct().Count());
        Assert.All(records, r =>
        {
            Assert.Equal(topic, r.Topic);
            Assert.Equal("v7", r.Version);
            Assert.Equal("task-a", r.TaskId);
            Assert.NotNull(r.KeyBase64);
        });
    }

    [Fact]
    public async Task Poison_records_fail_and_are_not_recorded_while_the_rest_are()
    {
        var topic = await ProduceAsync(60, i => i % 20 == 5 ? $"poison-{i}" : $"good-{i}");
        var options = new SluiceConsumerOptions { MaxRetryAttempts = 1, RetryDelay = TimeSpan.FromMilliseconds(1) };
        await using var consumer = await StartAsync(topic, new() { ["poisonPrefix"] = "poison" }, options);

        await Eventually.TrueAsync(() => ProcessedRecord.ReadAll(_output).Count >= 57, TimeSpan.FromSeconds(30), "57 good records recorded");
        var failures = consumer.GetProgress().Sum(p => p.Failures);
        await consumer.StopAsync();

        var recorded = ProcessedRecord.ReadAll(_output);
        Assert.Equal(57, recorded.Count);
        // Poison values are records 5, 25 and 45: partition i % 3, offset i / 3.
        var poison = new[] { 5, 25, 45 }.Select(i => (i % 3, (long)(i / 3))).ToHashSet();
        Assert.DoesNotContain(recorded, r => poison.Contains((r.Partition, r.Offset)));
        Assert.Equal(3, failures);
    }

    [Fact]
    public async Task Odd_records_null_keys_and_values_1_MiB_values_and_1000_headers_are_recorded_once_and_poison_fails()
    {
        // Record i: partition i % 3, offset i / 3. Kinds by i % 6; value "poison…" fails by the poisonPrefix setting.
        const int count = 36;
        var topic = await kafka.CreateTopicAsync("odd", 3);
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, MessageMaxBytes = 4 << 20 }).Build())
        {
            for (var i = 0; i < count; i++)
            {
                var message = new Message<byte[]?, byte[]?>
                {
                    Key = i % 6 is 0 or 1 ? null : System.Text.Encoding.UTF8.GetBytes($"k{i}"),
                    Value = (i % 6) switch
                    {
                        0 => null,
                        2 => i < 6 ? new byte[1 << 20] : [1, 2, 3],
                        4 => System.Text.Encoding.UTF8.GetBytes($"poison-{i}"),
                        5 => [0xC3, 0x28, 0xFF],
                        _ => [],
                    },
                };
                if (i % 6 == 3)
                {
                    message.Headers = [];
                    for (var h = 0; h < 1000; h++)
                    {
                        message.Headers.Add($"h{h}", h % 2 == 0 ? null : [(byte)h]);
                    }
                }
                producer.Produce(new TopicPartition(topic, i % 3), message);
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }
        var options = new SluiceConsumerOptions { MaxRetryAttempts = 1, RetryDelay = TimeSpan.FromMilliseconds(1) };
        await using var consumer = await StartAsync(topic, new() { ["poisonPrefix"] = "poison" }, options);

        await Eventually.TrueAsync(() => consumer.GetProgress().All(p => p.ProcessedOffset == count / 3 - 1), TimeSpan.FromSeconds(30), "every partition completes");
        var progress = consumer.GetProgress();
        await consumer.StopAsync();

        var recorded = ProcessedRecord.ReadAll(_output);
        var poison = Enumerable.Range(0, count).Where(i => i % 6 == 4).ToList();
        Assert.Equal(count - poison.Count, recorded.Count);
        Assert.Equal(recorded.Count, recorded.Select(r => (r.Partition, r.Offset)).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, count).Count(i => i % 6 is 0 or 1), recorded.Count(r => r.KeyBase64 is null));
        Assert.All(progress, p => Assert.Equal(Sluice.Consumer.Progress.PartitionState.Owned, p.State));
        Assert.Equal(poison.Count, progress.Sum(p => p.Failures));
    }

    [Fact]
    public void A_torn_last_line_is_ignored_when_reading()
    {
        var good = new ProcessedRecord("t", 1, 42, null, "v1", "task", 1_700_000_000_000);
        File.WriteAllText(Path.Combine(_output, "x" + ProcessedRecord.FileExtension), good.Format() + "\n" + "t\t1\t4");

        var read = Assert.Single(ProcessedRecord.ReadAll(_output));
        Assert.Equal(good, read);
    }
}
