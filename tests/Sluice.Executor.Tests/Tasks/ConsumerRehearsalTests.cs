using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Sluice.Executor.Tasks;
using Sluice.Testing;
using Sluice.Testing.Kafka;
using Sluice.Testing.Logging;
using Xunit.Abstractions;

namespace Sluice.Executor.Tests.Tasks;

/// <summary>
/// The rehearsal a fresh executor runs before it connects to the scheduler: a throwaway consumer reads the last few records
/// of partition 0, commits nothing (neither for the task's group nor its own), and never fails the task.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class ConsumerRehearsalTests(KafkaFixture kafka, ITestOutputHelper output)
{
    /// <summary>Its own bounds: 5 s for the watermarks, 3 s for a first record, 2 s for the release; the rest is slack.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly ListLoggerFactory _loggers = new() { MinimumLevel = LogLevel.Information };

    private ConsumerConfig TaskConfig(string bootstrapServers) => new()
    {
        BootstrapServers = bootstrapServers,
        GroupId = "task-group-" + Guid.NewGuid().ToString("N"),
        FetchWaitMaxMs = kafka.FetchWaitMaxMs,
    };

    private async Task<(int Records, TimeSpan Took)> RehearseAsync(ConsumerConfig config, string topic, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var records = await ConsumerRehearsal.RunAsync(config, TaskDataMapping.Options("task-1.rehearsal", null), topic, _loggers, cancellationToken)
            .WaitAsync(Bound, CancellationToken.None);
        output.WriteLine($"{records} records in {clock.Elapsed.TotalMilliseconds:0} ms");
        foreach (var entry in RehearsalLog())
        {
            output.WriteLine(entry.ToString());
        }
        output.WriteLine($"{_loggers.Entries.Count(e => e.Level >= LogLevel.Warning)} warnings and errors logged in all (the consumer's and librdkafka's included)");
        return (records, clock.Elapsed);
    }

    [Fact]
    public async Task RunAsync_TopicWithRecords_ProcessesSomeOfTheLast20_AndCommitsNothingForEitherGroup()
    {
        var topic = await kafka.CreateTopicAsync("rehearse", 2);
        await ProduceAsync(topic, partition: 0, count: 50);
        await ProduceAsync(topic, partition: 1, count: 5);
        var config = TaskConfig(kafka.BootstrapServers);

        var (records, _) = await RehearseAsync(config, topic);

        Assert.Equal("from offset 30", AssignedAt(topic)); // the last 20 of 50
        Assert.DoesNotContain(_loggers.Entries, e => e.Message.StartsWith($"[Assign] {topic}[1]", StringComparison.Ordinal)); // partition 0 only
        Assert.InRange(records, 1, 20);
        Assert.Equal(Offset.Unset.Value, Committed(config.GroupId, topic));
        Assert.Equal(Offset.Unset.Value, Committed(config.GroupId + ".rehearsal", topic));
        Assert.Contains(RehearsalLog(), e => e.Message.StartsWith("[Rehearsal] ran the record path", StringComparison.Ordinal) && e.Message.Contains("nothing committed", StringComparison.Ordinal));
        Assert.DoesNotContain(RehearsalLog(), e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task RunAsync_FewerRecordsThanItReads_StartsAtTheLowWatermark()
    {
        var topic = await kafka.CreateTopicAsync("rehearse-few", 1);
        await ProduceAsync(topic, partition: 0, count: 3);
        var config = TaskConfig(kafka.BootstrapServers);

        var (records, _) = await RehearseAsync(config, topic);

        Assert.Equal("from offset 0", AssignedAt(topic));
        Assert.InRange(records, 1, 3);
        Assert.Equal(Offset.Unset.Value, Committed(config.GroupId, topic));
        Assert.Equal(Offset.Unset.Value, Committed(config.GroupId + ".rehearsal", topic));
    }

    [Fact]
    public async Task RunAsync_EmptyTopic_ReturnsZeroAfterWaitingForARecord()
    {
        var topic = await kafka.CreateTopicAsync("rehearse-empty", 1);
        var config = TaskConfig(kafka.BootstrapServers);

        var (records, took) = await RehearseAsync(config, topic);

        Assert.Equal("from offset 0", AssignedAt(topic));
        Assert.Equal(0, records);
        Assert.InRange(took, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(10)); // its 3 s wait for a first record, and not much more
        Assert.Equal(Offset.Unset.Value, Committed(config.GroupId, topic));
        Assert.Equal(Offset.Unset.Value, Committed(config.GroupId + ".rehearsal", topic));
        Assert.DoesNotContain(RehearsalLog(), e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task RunAsync_UnreachableBootstrapServer_ReturnsZeroAndWarns()
    {
        var config = TaskConfig("127.0.0.1:1");

        var (records, took) = await RehearseAsync(config, "rehearse-unreachable-" + Guid.NewGuid().ToString("N"));

        Assert.Equal(0, records);
        Assert.True(took < TimeSpan.FromSeconds(10), $"took {took.TotalSeconds:0.0} s: more than its 5 s watermark timeout and a prompt stop");
        var warning = Assert.Single(RehearsalLog(), e => e.Level == LogLevel.Warning);
        Assert.StartsWith("[Rehearsal] on rehearse-unreachable-", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileWaitingForARecord_ThrowsOperationCanceled()
    {
        var topic = await kafka.CreateTopicAsync("rehearse-cancel", 1);
        var config = TaskConfig(kafka.BootstrapServers);
        using var cancel = new CancellationTokenSource();
        var rehearsal = RehearseAsync(config, topic, cancel.Token);
        // An empty topic: once assigned, it waits up to 3 s for a record.
        await Eventually.TrueAsync(() => AssignedAt(topic) is not null, TimeSpan.FromSeconds(10), "partition 0 assigned");

        var clock = Stopwatch.StartNew();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rehearsal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed.TotalSeconds:0.0} s to give up");
        Assert.DoesNotContain(RehearsalLog(), e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task RunAsync_AlreadyCancelled_ThrowsOperationCanceled()
    {
        var topic = await kafka.CreateTopicAsync("rehearse-cancelled", 1);
        await ProduceAsync(topic, partition: 0, count: 5);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RehearseAsync(TaskConfig(kafka.BootstrapServers), topic, new CancellationToken(canceled: true)));
    }

    /// <summary>Where the rehearsal's consumer assigned partition 0 ("from offset N"), from its [Assign] log line; null before.</summary>
    private string? AssignedAt(string topic) =>
        _loggers.Entries.Select(e => e.Message).FirstOrDefault(m => m.StartsWith($"[Assign] {topic}[0] ", StringComparison.Ordinal)) is { } line
            ? line[($"[Assign] {topic}[0] ".Length)..line.IndexOf(',', StringComparison.Ordinal)]
            : null;

    /// <summary>What the rehearsal itself logged (the consumer and librdkafka log through the same factory).</summary>
    private IEnumerable<LogEntry> RehearsalLog() => _loggers.Entries.Where(e => e.Category == typeof(ConsumerRehearsal).FullName);

    private async Task ProduceAsync(string topic, int partition, int count)
    {
        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, Acks = Acks.All }).Build();
        for (var i = 0; i < count; i++)
        {
            await producer.ProduceAsync(new TopicPartition(topic, partition), new Message<Null, byte[]> { Value = [(byte)i] });
        }
    }

    /// <summary>The group's committed offset of partition 0, read with a plain client; <see cref="Offset.Unset"/> when none.</summary>
    private long Committed(string groupId, string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = groupId }).Build();
        return consumer.Committed([new TopicPartition(topic, 0)], TimeSpan.FromSeconds(10)).Single().Offset.Value;
    }
}
