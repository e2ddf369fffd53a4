using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Sluice.Bench.Harness;
using Sluice.Consumer;
using Sluice.Consumer.Ownership;
using Sluice.Local.Kafka;

namespace Sluice.Bench.Scenarios;

/// <summary>
/// Fan-out: a handler awaiting 5 ms, 16 partitions, 64 workers, per-key ordering over 2,048 keys.
/// Ratio = steady-state msgs/s ÷ the ideal 64 / 5 ms = 12,800 msg/s. Also reports the sequential
/// (1 worker) rate and the measured length of Task.Delay(5).
/// </summary>
internal sealed class FanoutBenchmark : IBenchmark
{
    private const int Partitions = 16;
    private const int Workers = 64;
    private const int Keys = 2_048;
    private const int HandlerMs = 5;
    private const double Ideal = Workers * 1000.0 / HandlerMs;

    public string Name => "fanout";

    public string Description => "5 ms handler, 16 partitions, 64 workers, per-key order over 2,048 keys: msgs/s ÷ 12,800";

    public async Task<BenchmarkResult> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var records = context.Quick ? 64_000 : 200_000;
        using var kafka = EmbeddedKafka.Start(brokers: 1);
        var topic = $"bench-fanout-{Guid.NewGuid():N}";
        kafka.CreateTopic(topic, Partitions);
        var keys = new Random(42);
        BenchProducer.Fill(kafka.BootstrapServers, topic, records, Partitions, valueBytes: 100, _ => BitConverter.GetBytes(keys.Next(Keys)));
        context.Progress($"produced {records:N0} records over {Keys:N0} keys to {topic}");

        var taskDelay = await MeasureTaskDelayAsync(cancellationToken);
        var delay = await MeasureDelayAsync(cancellationToken);
        context.Progress($"the handler's {HandlerMs} ms wait takes {delay:0.00} ms on average (Task.Delay({HandlerMs}) would take {taskDelay:0.00} ms)");
        var control = await MeasureBareLoopsAsync(TimeSpan.FromSeconds(2), cancellationToken);
        context.Progress($"control: {Workers} bare {HandlerMs} ms wait loops, no consumer: {control:N0} completions/s");

        var sequential = await RunAsync(kafka.BootstrapServers, topic, 1, records, TimeSpan.FromSeconds(context.Quick ? 2 : 4), cancellationToken);
        context.Progress($"sequential (1 worker): {sequential.SteadyRate:N0} msg/s");

        var fanout = await RunAsync(kafka.BootstrapServers, topic, Workers, records, null, cancellationToken);
        context.Progress($"fan-out ({Workers} workers): steady {fanout.SteadyRate:N0} msg/s, whole run {fanout.WholeRate:N0} msg/s, {fanout.Violations} ordering violations");

        var ratio = fanout.SteadyRate / Ideal;
        return new BenchmarkResult(
            ratio,
            Goal.AtLeast(0.8),
            new Dictionary<string, double>
            {
                ["records"] = records,
                ["ideal_msgs_per_s"] = Ideal,
                ["fanout_msgs_per_s"] = Math.Round(fanout.SteadyRate),
                ["fanout_whole_run_msgs_per_s"] = Math.Round(fanout.WholeRate),
                ["sequential_msgs_per_s"] = Math.Round(sequential.SteadyRate),
                ["speedup_over_sequential"] = Math.Round(fanout.SteadyRate / sequential.SteadyRate, 1),
                ["handler_wait_5ms_actual_ms"] = Math.Round(delay, 3),
                ["task_delay_5ms_actual_ms"] = Math.Round(taskDelay, 3),
                ["ideal_at_actual_delay_msgs_per_s"] = Math.Round(Workers * 1000.0 / delay),
                ["ordering_violations"] = fanout.Violations,
                ["control_64_bare_delay_loops_per_s"] = Math.Round(control),
                ["fanout_vs_control"] = Math.Round(fanout.SteadyRate / control, 3),
            },
            [
                ["run", "workers", "msg/s", "÷ ideal 12,800"],
                ["sequential", "1", $"{sequential.SteadyRate:N0}", $"{sequential.SteadyRate / Ideal:0.000}"],
                ["fan-out (steady)", $"{Workers}", $"{fanout.SteadyRate:N0}", $"{ratio:0.000}"],
                ["fan-out (whole run)", $"{Workers}", $"{fanout.WholeRate:N0}", $"{fanout.WholeRate / Ideal:0.000}"],
                ["control: 64 bare delay loops", $"{Workers}", $"{control:N0}", $"{control / Ideal:0.000}"],
            ],
            [
                $"the handler awaits a precise {HandlerMs} ms wait (measured {delay:0.00} ms; ideal at that length {Workers * 1000.0 / delay:N0} msg/s): " +
                $"Task.Delay({HandlerMs}) measured {taskDelay:0.00} ms here, a runtime timer tick, not the consumer.",
                $"control (no Kafka, no consumer: {Workers} loops of the same wait) reached {control:N0}/s; the consumer reached {fanout.SteadyRate / control:0.00}× of it.",
                "steady = completions between 10% and 60% of the records (every lane busy); whole run includes the tail where lanes with fewer keys finish early.",
                $"per-key order checked on every record: {fanout.Violations} violations. fetch.wait.max.ms={EmbeddedKafka.RecommendedFetchWaitMaxMs} on the mock cluster.",
            ])
        {
            ConditionsMet = fanout.Violations == 0,
        };
    }

    private sealed record Run(double SteadyRate, double WholeRate, int Violations);

    private static async Task<Run> RunAsync(string bootstrap, string topic, int workers, int records, TimeSpan? duration, CancellationToken cancellationToken)
    {
        var done = 0;
        var violations = 0;
        var lastOffset = new long[Partitions * Keys];
        Array.Fill(lastOffset, -1);
        var options = new SluiceConsumerOptions { Name = $"fanout-{workers}", Workers = workers, Ordering = MessageOrdering.PerKey };
        for (var p = 0; p < Partitions; p++)
        {
            options.StaticAssignment.Add(new PinnedPartition(topic, p, 0));
        }
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = $"bench-fanout-{Guid.NewGuid():N}",
            FetchWaitMaxMs = EmbeddedKafka.RecommendedFetchWaitMaxMs,
        };
        await using var consumer = new SluiceConsumerBuilder(config)
            .SetOptions(options)
            .SetMetricsRegistry(Prometheus.Metrics.NewCustomRegistry())
            .SetHandler(async (message, ct) =>
            {
                // Per-key order check: the key's slot is only touched by its lane, one message at a time.
                var slot = message.Partition * Keys + BitConverter.ToInt32(message.Key);
                if (message.Offset <= lastOffset[slot])
                {
                    Interlocked.Increment(ref violations);
                }
                lastOffset[slot] = message.Offset;
                await PreciseDelay.Shared.WaitAsync(HandlerDelay);
                Interlocked.Increment(ref done);
            })
            .Build();

        var clock = Stopwatch.StartNew();
        await consumer.StartAsync(cancellationToken);
        if (duration is { } fixedWindow)
        {
            await Task.Delay(TimeSpan.FromSeconds(0.5), cancellationToken);
            var from = Volatile.Read(ref done);
            var start = clock.Elapsed;
            await Task.Delay(fixedWindow, cancellationToken);
            var rate = (Volatile.Read(ref done) - from) / (clock.Elapsed - start).TotalSeconds;
            return new Run(rate, rate, violations);
        }

        var low = records / 10;
        var high = records * 6 / 10;
        TimeSpan? lowAt = null, highAt = null;
        while (Volatile.Read(ref done) < records)
        {
            var now = Volatile.Read(ref done);
            if (lowAt is null && now >= low)
            {
                lowAt = clock.Elapsed;
            }
            if (highAt is null && now >= high)
            {
                highAt = clock.Elapsed;
            }
            if (clock.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"fan-out run stalled at {now:N0} of {records:N0}");
            }
            await Task.Delay(5, cancellationToken);
        }
        var whole = records / clock.Elapsed.TotalSeconds;
        var steady = (high - low) / (highAt!.Value - lowAt!.Value).TotalSeconds;
        return new Run(steady, whole, violations);
    }

    /// <summary>The ceiling of this machine and runtime: 64 loops awaiting Task.Delay(5), nothing else.</summary>
    private static async Task<double> MeasureBareLoopsAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var completions = 0;
        var clock = Stopwatch.StartNew();
        var loops = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                await PreciseDelay.Shared.WaitAsync(HandlerDelay);
                Interlocked.Increment(ref completions);
            }
        }, cancellationToken));
        await Task.WhenAll(loops);
        return completions / clock.Elapsed.TotalSeconds;
    }

    private static readonly TimeSpan HandlerDelay = TimeSpan.FromMilliseconds(HandlerMs);

    /// <summary>Average length of the handler's 5 ms wait (<see cref="PreciseDelay"/>).</summary>
    private static async Task<double> MeasureDelayAsync(CancellationToken cancellationToken)
    {
        const int samples = 100;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < samples; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await PreciseDelay.Shared.WaitAsync(HandlerDelay);
        }
        return clock.Elapsed.TotalMilliseconds / samples;
    }

    /// <summary>Average length of Task.Delay(5), reported because it is why the handler does not use it.</summary>
    private static async Task<double> MeasureTaskDelayAsync(CancellationToken cancellationToken)
    {
        const int samples = 100;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < samples; i++)
        {
            await Task.Delay(HandlerMs, cancellationToken);
        }
        return clock.Elapsed.TotalMilliseconds / samples;
    }

}
