using System.Collections.Concurrent;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Executor.Handlers;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.Handover;
using Sluice.Scheduler.Planning;
using Sluice.Testing;
using Sluice.Testing.Kafka;
using Xunit.Abstractions;

namespace Sluice.Integration.Tests.Handover;

/// <summary>
/// The handover protocol end to end without Mesos: the scheduler's control plane and handover
/// coordinator, two executors' consumer cores with the recording handler, the embedded Kafka.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class HandoverThroughControlPlaneTests(KafkaFixture kafka, ITestOutputHelper output) : IDisposable
{
    private const int Partitions = 6;
    private readonly string _output = Directory.CreateTempSubdirectory("sluice-handover-").FullName;
    private readonly RecordingTerminator _terminator = new();

    public void Dispose() => Directory.Delete(_output, recursive: true);

    private HandoverCoordinator Coordinator(ExecutorRegistry registry, MemoryOwnershipLedger ledger, HandoverOptions? options = null) =>
        new(registry, ledger, _terminator, new FixedStartOffset(0), options ?? new HandoverOptions(), TimeProvider.System, NullLogger<HandoverCoordinator>.Instance);

    private Task<InProcessExecutor> ExecutorAsync(string taskId, string group, string controlPlane) =>
        InProcessExecutor.StartAsync(taskId, "v1", kafka.BootstrapServers, kafka.FetchWaitMaxMs, group, _output, controlPlane);

    [Fact]
    public async Task Partitions_moved_back_and_forth_under_load_are_processed_exactly_once()
    {
        var topic = await kafka.CreateTopicAsync("handover", Partitions);
        var group = "orders-" + Guid.NewGuid().ToString("N");
        await using var scheduler = await ControlPlaneHost.StartAsync(new ControlPlaneOptions { ProgressInterval = TimeSpan.FromMilliseconds(200) });
        await using var a = await ExecutorAsync("orders.v1.a", group, scheduler.Address);
        await using var b = await ExecutorAsync("orders.v1.b", group, scheduler.Address);
        await Eventually.TrueAsync(() => scheduler.Registry.IsConnected(a.TaskId) && scheduler.Registry.IsConnected(b.TaskId),
            TimeSpan.FromSeconds(20), "both executors connect to the control plane");
        var ledger = new MemoryOwnershipLedger();
        var coordinator = Coordinator(scheduler.Registry, ledger);
        var partitions = Enumerable.Range(0, Partitions).Select(p => new PartitionKey(topic, p)).ToArray();
        foreach (var p in partitions)
        {
            await coordinator.MoveAsync(p, a.TaskId, CancellationToken.None);
        }

        using var load = new CancellationTokenSource();
        var produced = Task.Run(() => Produce(topic, load.Token));
        var outcomes = new List<HandoverOutcome>();
        for (var round = 1; round <= 8; round++)
        {
            var before = ProcessedRecord.ReadAll(_output).Count;
            await Eventually.TrueAsync(() => ProcessedRecord.ReadAll(_output).Count >= before + 300, TimeSpan.FromSeconds(30),
                $"records are processed before round {round}");
            var to = round % 2 == 1 ? b.TaskId : a.TaskId;
            outcomes.AddRange(await Task.WhenAll(partitions.Select(p => coordinator.MoveAsync(p, to, CancellationToken.None))));
        }
        await load.CancelAsync();
        var total = await produced;
        await Eventually.TrueAsync(() => ProcessedRecord.ReadAll(_output).Count >= total, TimeSpan.FromSeconds(60),
            $"all {total} produced records are processed");

        var records = ProcessedRecord.ReadAll(_output);
        Assert.Equal(total, records.Count);
        Assert.Equal(total, records.Select(r => (r.Partition, r.Offset)).Distinct().Count());
        foreach (var byPartition in records.GroupBy(r => r.Partition))
        {
            var offsets = byPartition.Select(r => r.Offset).Order().ToArray();
            Assert.Equal(Enumerable.Range(0, offsets.Length).Select(o => (long)o), offsets);
        }
        Assert.All(outcomes, o => Assert.True(o.Clean, $"{o.Partition} moved uncleanly"));
        Assert.All(ledger.Snapshot(), e => Assert.Equal((a.TaskId, 9L), (e.Owner, e.Epoch)));
        ReportGaps(records, outcomes);
    }

    [Fact]
    public async Task A_silent_owner_is_killed_and_its_partition_restarts_at_its_last_committed_offset()
    {
        var topic = await kafka.CreateTopicAsync("silent", 1);
        var group = "orders-" + Guid.NewGuid().ToString("N");
        await using var scheduler = await ControlPlaneHost.StartAsync(new ControlPlaneOptions
        {
            ProgressInterval = TimeSpan.FromMilliseconds(100),
            LeaseTimeout = TimeSpan.FromMilliseconds(500),
            // Within the lease, as the scheduler's LeaseTimings keeps it: a lease that runs out reopens the stream.
            PingInterval = TimeSpan.FromMilliseconds(150),
        });
        var a = await ExecutorAsync("orders.v1.a", group, scheduler.Address);
        await using var b = await ExecutorAsync("orders.v1.b", group, scheduler.Address);
        await Eventually.TrueAsync(() => scheduler.Registry.IsConnected(a.TaskId) && scheduler.Registry.IsConnected(b.TaskId),
            TimeSpan.FromSeconds(20), "both executors connect");
        var ledger = new MemoryOwnershipLedger();
        var coordinator = Coordinator(scheduler.Registry, ledger, new HandoverOptions { SilentOwnerGrace = TimeSpan.FromSeconds(1) });
        var partition = new PartitionKey(topic, 0);
        await coordinator.MoveAsync(partition, a.TaskId, CancellationToken.None);
        Produce(topic, count: 500);
        await Eventually.TrueAsync(() => scheduler.Registry.Find(a.TaskId)?.LatestProgress?.Partitions.SingleOrDefault()?.CommittedOffset == 500,
            TimeSpan.FromSeconds(30), "the first owner commits all 500 records");

        await a.DisposeAsync(); // the owner goes away without releasing anything
        var outcome = await coordinator.MoveAsync(partition, b.TaskId, CancellationToken.None);

        Assert.False(outcome.Clean);
        Assert.Equal(500, outcome.StartOffset);
        Assert.Equal([a.TaskId], _terminator.Killed);
        Produce(topic, count: 100);
        await Eventually.TrueAsync(() => ProcessedRecord.ReadAll(_output).Count(r => r.TaskId == b.TaskId) >= 100, TimeSpan.FromSeconds(30),
            "the new owner processes what comes next");
        Assert.All(ProcessedRecord.ReadAll(_output).Where(r => r.TaskId == b.TaskId), r => Assert.True(r.Offset >= 500));
    }

    [Fact]
    public async Task A_move_to_a_task_that_is_not_connected_is_refused_before_anything_changes()
    {
        await using var scheduler = await ControlPlaneHost.StartAsync(new ControlPlaneOptions());
        var ledger = new MemoryOwnershipLedger();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Coordinator(scheduler.Registry, ledger).MoveAsync(new PartitionKey("t", 0), "cold-task", CancellationToken.None));

        Assert.Contains("cold-task is not connected", error.Message, StringComparison.Ordinal);
        Assert.Empty(ledger.Snapshot());
    }

    private int Produce(string topic, CancellationToken stop)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 2 }).Build();
        var count = 0;
        while (!stop.IsCancellationRequested)
        {
            for (var i = 0; i < 20; i++, count++)
            {
                producer.Produce(new TopicPartition(topic, count % Partitions), new Message<string, string> { Key = $"k{count % 50}", Value = $"v{count}" });
            }
            Thread.Sleep(10); // paces the load (about 2,000 records/s); not a wait for an outcome
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        return count;
    }

    private void Produce(string topic, int count)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        for (var i = 0; i < count; i++)
        {
            producer.Produce(new TopicPartition(topic, 0), new Message<string, string> { Key = $"k{i}", Value = $"v{i}" });
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Per move: the last record of the old owner → the first of the new owner on that partition.</summary>
    private void ReportGaps(IReadOnlyList<ProcessedRecord> records, IReadOnlyList<HandoverOutcome> outcomes)
    {
        var gaps = new List<long>();
        foreach (var byPartition in records.GroupBy(r => r.Partition))
        {
            var ordered = byPartition.OrderBy(r => r.Offset).ToArray();
            for (var i = 1; i < ordered.Length; i++)
            {
                if (ordered[i].TaskId != ordered[i - 1].TaskId)
                {
                    gaps.Add(ordered[i].ProcessedAtUnixMs - ordered[i - 1].ProcessedAtUnixMs);
                }
            }
        }
        gaps.Sort();
        var durations = outcomes.Select(o => o.Duration.TotalMilliseconds).Order().ToArray();
        output.WriteLine($"{outcomes.Count} handovers: duration p50 {durations[durations.Length / 2]:0.0} ms, max {durations[^1]:0.0} ms");
        if (gaps.Count > 0)
        {
            output.WriteLine($"{gaps.Count} owner changes seen in the records: gap p50 {gaps[gaps.Count / 2]} ms, p99 {gaps[(int)(gaps.Count * 0.99)]} ms, max {gaps[^1]} ms");
        }
    }

    private sealed class RecordingTerminator : IOwnerTerminator
    {
        private readonly ConcurrentQueue<string> _killed = new();

        public IReadOnlyList<string> Killed => [.. _killed];

        public Task KillAsync(string taskId, string reason, CancellationToken cancellationToken)
        {
            _killed.Enqueue(taskId);
            // Mesos would answer with a terminal status; the task here is already gone.
            return Task.CompletedTask;
        }
    }

    private sealed class FixedStartOffset(long offset) : IStartOffsetResolver
    {
        public Task<long> ResolveAsync(PartitionKey partition, CancellationToken cancellationToken) => Task.FromResult(offset);
    }
}
