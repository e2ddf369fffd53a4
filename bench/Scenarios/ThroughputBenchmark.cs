using System.Diagnostics;
using Confluent.Kafka;
using Sluice.Bench.Harness;
using Sluice.Consumer;
using Sluice.Consumer.Ownership;
using Sluice.Local.Kafka;

namespace Sluice.Bench.Scenarios;

/// <summary>
/// Consumer core with a no-op handler ÷ a bare Confluent.Kafka assign+consume loop, over one
/// pre-filled topic (12 partitions, 100 B values) on the embedded Kafka, runs alternated, same
/// consumer configuration; reports the median of each and the peak working set of the core's runs.
/// </summary>
internal sealed class ThroughputBenchmark : IBenchmark
{
    private const int Partitions = 12;
    private const int ValueBytes = 100;

    public string Name => "throughput";

    public string Description => "consumer core (no-op handler) vs bare Confluent.Kafka assign+consume loop, 12 partitions × 100 B";

    public async Task<BenchmarkResult> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var records = context.Quick ? 500_000 : 2_000_000;
        var producedCount = records;
        var rounds = 7; // alternating; the median of 7 resists the noise of a shared machine
        using var kafka = EmbeddedKafka.Start(brokers: 1);
        var topic = $"bench-throughput-{Guid.NewGuid():N}";
        kafka.CreateTopic(topic, Partitions);
        context.Progress($"embedded Kafka at {kafka.BootstrapServers}; producing {records:N0} × {ValueBytes} B to {topic}");
        var produced = BenchProducer.Fill(kafka.BootstrapServers, topic, records, Partitions, ValueBytes, i => BitConverter.GetBytes(i));
        // The mock cluster trims old data from a partition's log, so a large topic may no longer start at
        // offset 0: both consumers start at the low watermarks and consume exactly what is retained.
        var starts = LowWatermarks(kafka.BootstrapServers, topic, out var retained);
        context.Progress($"produced in {produced.TotalSeconds:0.0} s; the mock retains {retained:N0} of {records:N0} (log start offsets {string.Join(",", starts)})");
        records = (int)retained;

        // Warm-up (untimed): one whole run of each, so JIT tiering and the GC's budgets settle first.
        await Task.Run(() => ConsumeBare(kafka.BootstrapServers, topic, starts, records, cancellationToken), cancellationToken);
        await ConsumeCoreAsync(kafka.BootstrapServers, topic, starts, records, cancellationToken);
        context.Progress("warmed up");

        var bare = new List<double>();
        var core = new List<double>();
        var bareAllocated = new List<double>();
        var coreAllocated = new List<double>();
        long peakWorkingSet = 0;
        long peakBuffered = 0;
        for (var round = 1; round <= rounds; round++)
        {
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var b = await Task.Run(() => ConsumeBare(kafka.BootstrapServers, topic, starts, records, cancellationToken), cancellationToken);
            bareAllocated.Add((GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)records);
            bare.Add(records / b.TotalSeconds);
            context.Progress($"round {round}: bare loop {records / b.TotalSeconds:N0} msg/s ({b.TotalSeconds:0.00} s)");

            allocated = GC.GetTotalAllocatedBytes(precise: true);
            var (c, workingSet, buffered) = await ConsumeCoreAsync(kafka.BootstrapServers, topic, starts, records, cancellationToken);
            coreAllocated.Add((GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)records);
            core.Add(records / c.TotalSeconds);
            peakWorkingSet = Math.Max(peakWorkingSet, workingSet);
            peakBuffered = Math.Max(peakBuffered, buffered);
            context.Progress($"round {round}: consumer core {records / c.TotalSeconds:N0} msg/s ({c.TotalSeconds:0.00} s), peak working set {workingSet / 1048576.0:0} MiB");
        }

        var bareMedian = Stats.Median(bare);
        var coreMedian = Stats.Median(core);
        var ratio = coreMedian / bareMedian;
        return new BenchmarkResult(
            ratio,
            Goal.AtLeast(0.95),
            new Dictionary<string, double>
            {
                ["records_produced"] = producedCount,
                ["records"] = records,
                ["rounds"] = rounds,
                ["bare_msgs_per_s_median"] = Math.Round(bareMedian),
                ["core_msgs_per_s_median"] = Math.Round(coreMedian),
                ["core_peak_working_set_mib"] = Math.Round(peakWorkingSet / 1048576.0, 1),
                ["core_peak_buffered_mib"] = Math.Round(peakBuffered / 1048576.0, 2),
                ["fetch_wait_max_ms"] = EmbeddedKafka.RecommendedFetchWaitMaxMs,
                ["bare_allocated_bytes_per_msg"] = Math.Round(Stats.Median(bareAllocated), 1),
                ["core_allocated_bytes_per_msg"] = Math.Round(Stats.Median(coreAllocated), 1),
            },
            [
                ["consumer", "runs (msg/s)", "median msg/s", "MB/s", "allocated B/msg"],
                ["bare Confluent.Kafka loop", string.Join(" ", bare.Select(v => v.ToString("N0"))), $"{bareMedian:N0}", $"{bareMedian * ValueBytes / 1e6:0.0}", $"{Stats.Median(bareAllocated):0}"],
                ["Sluice consumer core", string.Join(" ", core.Select(v => v.ToString("N0"))), $"{coreMedian:N0}", $"{coreMedian * ValueBytes / 1e6:0.0}", $"{Stats.Median(coreAllocated):0}"],
            ],
            [
                $"librdkafka mock cluster in the same process; both consumers fetch.wait.max.ms={EmbeddedKafka.RecommendedFetchWaitMaxMs}, same fetch sizes; runs alternate.",
                $"produced {producedCount:N0}; the mock trims old data from partition logs and retained {records:N0}, which both consumers read from the log start.",
                $"consumer core: {new SluiceConsumerOptions().Workers} workers, per-partition ordering, no-op handler, commits every {new SluiceConsumerOptions().CommitInterval.TotalSeconds:0} s.",
                $"peak working set {peakWorkingSet / 1048576.0:0} MiB during the core's runs includes the in-process mock broker holding the topic; peak reservoir {peakBuffered / 1048576.0:0.0} MiB.",
            ]);
    }

    private static ConsumerConfig ConsumerConfig(string bootstrap) => new()
    {
        BootstrapServers = bootstrap,
        GroupId = $"bench-throughput-{Guid.NewGuid():N}",
        EnableAutoCommit = false,
        FetchWaitMaxMs = EmbeddedKafka.RecommendedFetchWaitMaxMs,
        FetchMaxBytes = 52_428_800,
        MaxPartitionFetchBytes = 10_485_760,
    };

    private static TimeSpan ConsumeBare(string bootstrap, string topic, long[] starts, int records, CancellationToken cancellationToken)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(ConsumerConfig(bootstrap)).Build();
        var clock = Stopwatch.StartNew();
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(topic, p, starts[p])));
        var seen = 0;
        while (seen < records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _ = consumer.Consume(TimeSpan.FromSeconds(10))
                ?? throw new InvalidOperationException($"bare loop stalled for 10 s after {seen:N0} of {records:N0}");
            seen++;
        }
        clock.Stop();
        consumer.Close();
        return clock.Elapsed;
    }

    private static async Task<(TimeSpan Elapsed, long PeakWorkingSet, long PeakBuffered)> ConsumeCoreAsync(string bootstrap, string topic, long[] starts, int records, CancellationToken cancellationToken)
    {
        var seen = 0L;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new SluiceConsumerOptions { Name = "bench" };
        for (var p = 0; p < Partitions; p++)
        {
            options.StaticAssignment.Add(new PinnedPartition(topic, p, starts[p]));
        }
        await using var consumer = new SluiceConsumerBuilder(ConsumerConfig(bootstrap))
            .SetOptions(options)
            .SetMetricsRegistry(Prometheus.Metrics.NewCustomRegistry())
            .SetLoggerFactory(new WarningsToStderr())
            .SetHandler((_, _) =>
            {
                if (Interlocked.Increment(ref seen) == records)
                {
                    done.TrySetResult();
                }
                return ValueTask.CompletedTask;
            })
            .Build();

        using var sampling = new CancellationTokenSource();
        var peak = 0L;
        var sampler = Task.Run(async () =>
        {
            using var process = Process.GetCurrentProcess();
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                try
                {
                    await Task.Delay(100, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }, CancellationToken.None);

        var clock = Stopwatch.StartNew();
        await consumer.StartAsync(cancellationToken);
        var last = -1L;
        while (!done.Task.IsCompleted)
        {
            await Task.WhenAny(done.Task, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken));
            var now = Interlocked.Read(ref seen);
            if (!done.Task.IsCompleted && now == last)
            {
                throw new InvalidOperationException($"consumer core stalled for 10 s at {now:N0} of {records:N0}: " +
                    string.Join("; ", consumer.GetProgress().Select(p => $"[{p.Partition}] {p.State} processed {p.ProcessedOffset} hw {p.HighWatermark} buffered {p.BufferedMessages} in-flight {p.InFlight}")));
            }
            last = now;
        }
        clock.Stop();
        await sampling.CancelAsync();
        await sampler;
        var buffered = consumer.PeakBufferedBytes;
        await consumer.StopAsync(cancellationToken);
        return (clock.Elapsed, peak, buffered);
    }

    private static long[] LowWatermarks(string bootstrap, string topic, out long retained)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(ConsumerConfig(bootstrap)).Build();
        var starts = new long[Partitions];
        retained = 0;
        for (var p = 0; p < Partitions; p++)
        {
            var w = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10));
            starts[p] = w.Low.Value;
            retained += w.High.Value - w.Low.Value;
        }
        return starts;
    }

    /// <summary>Warnings and errors of the consumer core to stderr, so a run that goes wrong says why.</summary>
    private sealed class WarningsToStderr : Microsoft.Extensions.Logging.ILoggerFactory, Microsoft.Extensions.Logging.ILogger
    {
        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(Microsoft.Extensions.Logging.ILoggerProvider provider)
        {
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Console.Error.WriteLine($"  [{logLevel}] {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}");
            }
        }

        public void Dispose()
        {
        }
    }
}
