using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Sluice.Consumer;

namespace Sluice.Executor.Tasks;

/// <summary>
/// Runs the record path once before the task connects to the scheduler: a throwaway consumer in this process assigns
/// one partition, fetches its last few records, hands them to a handler that does nothing, releases it and
/// stops, committing nothing (<see cref="SluiceConsumerOptions.CommitOffsets"/> false, a group id of its own).
/// </summary>
/// <remarks>
/// The executor runs without tiered compilation (Sluice.Executor.csproj), so no background recompilation competes
/// with the records for the cores once it serves; each method is compiled once, fully optimized, at its first call.
/// This rehearsal makes those first calls (fetch, dispatch, workers, offsets, release, and the generic
/// instantiations behind them) happen before the scheduler hands the task anything: the cutover benchmark measured
/// 0.4–0.7 s for the first assignment of a fresh green task and as long again for its first records without it.
/// The handler itself is not rehearsed: running it on real records would have effects.
/// </remarks>
internal static partial class ConsumerRehearsal
{
    private const int RecordsToRead = 20;
    private static readonly TimeSpan WatermarkTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FirstRecordTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Rehearses on partition 0 of <paramref name="topic"/> with the task's Kafka settings and fresh <paramref name="options"/>
    /// built like the task's; returns how many records ran. Never throws but for cancellation.
    /// </summary>
    /// <remarks>It logs through <paramref name="loggers"/> like the task will, so logging is rehearsed too: its Assign and
    /// Release of partition 0 appear in the log, followed by a [Rehearsal] line.</remarks>
    public static async Task<int> RunAsync(ConsumerConfig taskConfig, SluiceConsumerOptions options, string topic, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(ConsumerRehearsal).FullName!);
        var clock = Stopwatch.StartNew();
        var config = new ConsumerConfig(taskConfig.ToDictionary(kv => kv.Key, kv => kv.Value))
        {
            GroupId = taskConfig.GroupId + ".rehearsal",
            // One small fetch is all it needs.
            MaxPartitionFetchBytes = 64 * 1024,
        };
        options.CommitOffsets = false;
        options.StaticAssignment = [];
        var processed = 0;
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            var consumer = new SluiceConsumerBuilder(config)
                .SetOptions(options)
                .SetHandler((_, _) =>
                {
                    Interlocked.Increment(ref processed);
                    first.TrySetResult();
                    return ValueTask.CompletedTask;
                })
                .SetMetricsRegistry(Prometheus.Metrics.NewCustomRegistry())
                .SetLoggerFactory(loggers)
                .Build();
            await using (consumer)
            {
                await consumer.StartAsync(cancellationToken);
                var partition = new TopicPartition(topic, 0);
                var marks = await consumer.QueryWatermarksAsync(partition, WatermarkTimeout, cancellationToken);
                await consumer.AssignAsync(partition, Math.Max(marks.Low.Value, marks.High.Value - RecordsToRead), epoch: 1, cancellationToken);
                await first.Task.WaitAsync(FirstRecordTimeout, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await consumer.ReleaseAsync(partition, epoch: 1, ReleaseTimeout, cancellationToken);
                await consumer.StopAsync(cancellationToken);
            }
            LogRehearsed(logger, topic, Volatile.Read(ref processed), clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRehearsalFailed(logger, topic, ex.Message);
        }
        return Volatile.Read(ref processed);
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "[Rehearsal] ran the record path on {Topic}[0] before connecting: {Records} records in {Ms:0} ms, nothing committed")]
    private static partial void LogRehearsed(ILogger logger, string topic, int records, double ms);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "[Rehearsal] on {Topic}[0] did not finish ({Reason}); the first assignment compiles the record path instead")]
    private static partial void LogRehearsalFailed(ILogger logger, string topic, string reason);
}
