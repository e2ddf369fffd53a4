using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Sluice.Consumer.Failures;
using Sluice.Consumer.Fetch;
using Sluice.Consumer.Metrics;
using Sluice.Consumer.Ownership;
using Sluice.Consumer.Progress;
using Sluice.Consumer.Work;

namespace Sluice.Consumer;

/// <summary>
/// A static-assignment Kafka consumer: the partitions it owns are assigned and released
/// explicitly (never a consumer-group subscription), fetched into a bounded reservoir, processed
/// by N workers in the configured order, and committed up to the last contiguous completed offset.
/// Build one with <see cref="SluiceConsumerBuilder"/>.
/// </summary>
/// <remarks>
/// Threads: one dedicated poll thread owns the Confluent.Kafka consumer; every Kafka call
/// (assign, unassign, pause, resume, commit, close) runs there, sent through a command channel.
/// Handlers run on thread-pool workers. All public members are thread-safe.
/// </remarks>
public sealed partial class SluiceConsumer : IAsyncDisposable
{
    private readonly SluiceConsumerOptions _options;
    private readonly PollLoop _poll;
    private readonly WorkerPool _workers;
    private readonly Reservoir _reservoir;
    private readonly DeadLetterPublisher _deadLetters;
    private readonly ConsumerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private int _state; // 0 new, 1 started, 2 stopped

    internal SluiceConsumer(
        SluiceConsumerOptions options,
        IConsumer<byte[]?, byte[]?> consumer,
        IMessageHandler? handler,
        IBatchMessageHandler? batchHandler,
        WorkerFailedAttemptCallback? onFailedAttempt,
        WorkerFailureCallback? onFailure,
        ProducerConfig deadLetterConfig,
        Prometheus.CollectorRegistry registry,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        _options = options;
        _time = time;
        _logger = loggerFactory.CreateLogger<SluiceConsumer>();
        _metrics = new ConsumerMetrics(registry, options.Name);
        _reservoir = new Reservoir(options);
        _deadLetters = new DeadLetterPublisher(deadLetterConfig, options.DeadLetterTopicSuffix, options.DeadLetterTopic);
        var failures = new FailurePolicy(options, onFailedAttempt, onFailure, _deadLetters, time, _metrics, loggerFactory.CreateLogger<FailurePolicy>());
        _workers = new WorkerPool(options, handler, batchHandler, failures, _metrics,
            onStopped: partition => _ = _poll!.Send(new StopPartitionCommand(partition)),
            onBatchDone: () => _poll!.RequestCommit(),
            time, loggerFactory.CreateLogger<WorkerPool>(), _stopping.Token);
        _poll = new PollLoop(consumer, options, _workers, _reservoir, _metrics, time, loggerFactory.CreateLogger<PollLoop>());
        registry.AddBeforeCollectCallback(UpdateGauges);
    }

    /// <summary>The name from <see cref="SluiceConsumerOptions.Name"/>.</summary>
    public string Name => _options.Name;

    /// <summary>Most bytes the reservoir held at once since start.</summary>
    public long PeakBufferedBytes => _reservoir.PeakBytes;

    /// <summary>Starts the poll thread and the workers, then assigns the static partitions, if any (epoch 0).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_state != 0)
            {
                throw new InvalidOperationException(_state == 1 ? "The consumer has already started." : "A stopped consumer cannot start again.");
            }
            _workers.Start();
            _poll.Start();
            _state = 1;
            LogStarted(_options.Name, _options.Workers, _options.Ordering);
        }
        finally
        {
            _lifecycle.Release();
        }
        foreach (var pinned in _options.StaticAssignment)
        {
            await AssignCoreAsync(new TopicPartition(pinned.Topic, pinned.Partition), pinned.StartOffset, 0, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Optional, after <see cref="StartAsync"/>: connects to the brokers and reads the metadata and watermarks of
    /// <paramref name="topics"/> now, so a partition handed over later starts fetching without connecting first
    /// (the new owner of a handover is "warm", DESIGN.md §5).
    /// </summary>
    /// <returns>How many partitions the topics have.</returns>
    /// <exception cref="KafkaException">The cluster did not answer within <paramref name="timeout"/>.</exception>
    public Task<int> WarmUpAsync(IReadOnlyList<string> topics, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topics);
        EnsureStarted();
        return Task.Run(() => _poll.WarmUp(topics, timeout), cancellationToken);
    }

    /// <summary>
    /// Optional, for a consumer whose failure policy dead-letters: builds the dead-letter producer now and connects it
    /// (it reads <paramref name="topic"/>'s metadata through it), so the first dead letter does not pay for that.
    /// </summary>
    /// <exception cref="KafkaException">The cluster did not answer within <paramref name="timeout"/>.</exception>
    public Task WarmUpDeadLettersAsync(string topic, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        EnsureStarted();
        return Task.Run(() => _deadLetters.WarmUp(topic, timeout), cancellationToken);
    }

    /// <summary>Asks the partition's leader for its low and high watermarks (after <see cref="StartAsync"/>).</summary>
    /// <exception cref="KafkaException">The cluster did not answer within <paramref name="timeout"/>.</exception>
    public Task<WatermarkOffsets> QueryWatermarksAsync(TopicPartition topicPartition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topicPartition);
        EnsureStarted();
        return Task.Run(() => _poll.QueryWatermarks(topicPartition, timeout), cancellationToken);
    }

    /// <summary>
    /// Takes ownership of a partition and starts fetching it at <paramref name="startOffset"/>.
    /// Ignored (<see cref="AssignOutcome.StaleEpoch"/>) when <paramref name="epoch"/> is lower than the one held.
    /// If the partition is still being released here, the assignment waits for the release to finish.
    /// </summary>
    public Task<AssignResult> AssignAsync(TopicPartition topicPartition, long startOffset, long epoch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topicPartition);
        ArgumentOutOfRangeException.ThrowIfNegative(startOffset);
        return AssignCoreAsync(topicPartition, startOffset, epoch, cancellationToken);
    }

    /// <summary>
    /// Gives up a partition: stops fetching it, lets the messages already started finish (or fail by
    /// the failure policy) within <paramref name="timeout"/>, commits the next offset synchronously
    /// and returns it: the offset after the last contiguous completed message. Messages fetched but not
    /// started are left to the next owner. Ignored (<see cref="ReleaseOutcome.StaleEpoch"/>) when
    /// <paramref name="epoch"/> is lower than the one held.
    /// </summary>
    public async Task<ReleaseResult> ReleaseAsync(TopicPartition topicPartition, long epoch, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topicPartition);
        EnsureStarted();
        var started = _time.GetTimestamp();
        var begin = await _poll.Send(new BeginReleaseCommand(topicPartition, epoch)).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (begin.Immediate is { } immediate)
        {
            return immediate;
        }

        var partition = begin.Partition!;
        var outcome = ReleaseOutcome.Released;
        try
        {
            await begin.Drained!.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            outcome = ReleaseOutcome.TimedOut;
            LogReleaseTimedOut(partition.Topic, partition.Partition, timeout);
        }
        var next = await _poll.Send(new FinishReleaseCommand(partition)).ConfigureAwait(false);
        var duration = _time.GetElapsedTime(started);
        _metrics.ReleaseDuration.Observe(duration.TotalSeconds);
        return new ReleaseResult(outcome, topicPartition, epoch, next, partition.IsFailed, duration);
    }

    /// <summary>
    /// Self-fencing for the scheduler lease (DESIGN.md §3.3): every partition stops fetching and starting
    /// messages; the messages already started get <paramref name="drainTimeout"/> to finish; what finished is
    /// committed one last time (the scheduler moves a silent task's partitions only after the lease and a
    /// margin, so nobody else owns them yet); from then on the partitions are held as
    /// <see cref="PartitionState.Fenced"/>: nothing is fetched, processed or committed (not even at stop), so a
    /// task the scheduler may have replaced never duplicates the new owner's work nor overwrites its offsets.
    /// Each fenced partition comes back with <see cref="AssignAsync"/> (an epoch not lower than the one held:
    /// it resumes at the given offset) or leaves with <see cref="ReleaseAsync"/> (answered with the next offset,
    /// without committing). Partitions assigned after the fence are not fenced.
    /// </summary>
    public async Task<FenceResult> FenceAsync(TimeSpan drainTimeout, CancellationToken cancellationToken = default)
    {
        EnsureStarted();
        var started = _time.GetTimestamp();
        var drains = await _poll.Send(new BeginFenceCommand()).ConfigureAwait(false);
        var drained = true;
        var committed = false;
        try
        {
            await Task.WhenAll(drains.Select(d => d.Drained)).WaitAsync(drainTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            drained = false;
            LogFenceDrainTimedOut(drainTimeout);
        }
        finally
        {
            // Even when cancelled: the commit a fence owes, and the assignments waiting for it, must not be left behind.
            var finish = _poll.Send(new FinishFenceCommand([.. drains.Select(d => d.Partition)]));
            if (!cancellationToken.IsCancellationRequested)
            {
                committed = await finish.ConfigureAwait(false);
            }
        }
        return new FenceResult(drains.Count, drained, committed, _time.GetElapsedTime(started));
    }

    /// <summary>A snapshot of every owned partition (any thread; cheap enough to call every second).</summary>
    public IReadOnlyList<PartitionProgress> GetProgress()
    {
        var owned = _poll.Owned;
        var progress = new PartitionProgress[owned.Count];
        for (var i = 0; i < owned.Count; i++)
        {
            progress[i] = owned[i].Snapshot();
        }
        return progress;
    }

    /// <summary>
    /// Stops: nothing new starts, messages in flight get <see cref="SluiceConsumerOptions.StopTimeout"/>
    /// to finish, completed offsets are committed, the Kafka consumer is closed and the workers end.
    /// Handlers still running after the timeout see their cancellation token fire. Idempotent.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_state != 1)
            {
                _state = 2;
                return;
            }
            _state = 2;
            var clock = Stopwatch.StartNew();
            try
            {
                var drains = await _poll.Send(new BeginStopCommand()).ConfigureAwait(false);
                try
                {
                    await Task.WhenAll(drains.Select(d => d.Drained)).WaitAsync(_options.StopTimeout, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    LogStopTimedOut(_options.StopTimeout);
                }
                await _poll.Send(new FinishStopCommand()).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The poll thread already ended (it failed): nothing left to commit through it.
            }
            await _stopping.CancelAsync().ConfigureAwait(false);
            await _poll.Exited.ConfigureAwait(false);
            await _workers.CompleteAsync().ConfigureAwait(false);
            _deadLetters.Dispose();
            LogStopped(_options.Name, clock.Elapsed.TotalMilliseconds);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _lifecycle.Dispose();
    }

    private async Task<AssignResult> AssignCoreAsync(TopicPartition topicPartition, long? startOffset, long epoch, CancellationToken cancellationToken)
    {
        EnsureStarted();
        return await _poll.Send(new AssignCommand(topicPartition, startOffset, epoch)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void EnsureStarted()
    {
        var state = Volatile.Read(ref _state);
        if (state != 1)
        {
            throw state == 0
                ? new InvalidOperationException("Start the consumer first (StartAsync).")
                : new ObjectDisposedException(nameof(SluiceConsumer), "The consumer has stopped.");
        }
    }

    private void UpdateGauges()
    {
        _metrics.InFlight.Set(_poll.Owned.Sum(p => p.InFlight));
        _metrics.BufferedBytes.Set(_reservoir.Bytes);
    }
}
