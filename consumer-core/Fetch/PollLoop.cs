using System.Diagnostics;
using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Sluice.Consumer.Metrics;
using Sluice.Consumer.Ownership;
using Sluice.Consumer.Work;

namespace Sluice.Consumer.Fetch;

/// <summary>
/// The poll thread: the only thread that touches the Confluent.Kafka consumer (which is not
/// thread-safe). It runs commands (assign, release, pause, commit, stop) between polls, fills the
/// reservoir, routes messages to worker lanes in batches, pauses full partitions and resumes them
/// under the low-water mark, refreshes watermarks and commits on the interval.
/// </summary>
internal sealed partial class PollLoop
{
    private const int MaxMessagesPerDrain = 2048;
    private static readonly TimeSpan WatermarkInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan CommitTimeout = TimeSpan.FromSeconds(10);

    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly SluiceConsumerOptions _options;
    private readonly WorkerPool _workers;
    private readonly Reservoir _reservoir;
    private readonly ConsumerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<PollCommand> _commands = Channel.CreateUnbounded<PollCommand>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Poll thread only.
    private readonly Dictionary<(string Topic, int Partition), OwnedPartition> _owned = []; // tuple key: ConsumeResult.TopicPartition allocates
    private readonly Dictionary<TopicPartition, long> _epochs = [];
    private readonly Dictionary<TopicPartition, (long Epoch, long Offset)> _released = [];
    private readonly Dictionary<TopicPartition, AssignCommand> _deferredAssigns = [];
    private readonly HashSet<OwnedPartition> _fencing = [];
    private readonly int[] _partitionsPerLane;
    private readonly WorkBatch?[] _pending;
    private readonly int _pollTimeoutMs;
    private readonly int _batchLimit;
    private long _nextCommit;
    private long _nextWatermarks;
    private bool _running = true;
    private Thread? _thread;

    private volatile OwnedPartition[] _snapshot = [];
    private volatile bool _commitRequested;

    public PollLoop(IConsumer<byte[]?, byte[]?> consumer, SluiceConsumerOptions options, WorkerPool workers, Reservoir reservoir, ConsumerMetrics metrics, TimeProvider time, ILogger logger)
    {
        _consumer = consumer;
        _options = options;
        _workers = workers;
        _reservoir = reservoir;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _partitionsPerLane = new int[workers.LaneCount];
        _pending = new WorkBatch?[workers.LaneCount];
        _pollTimeoutMs = Math.Max(1, (int)options.PollTimeout.TotalMilliseconds);
        // Unordered workers share one lane: small hand-overs keep them starting messages close to
        // offset order, so a release waits for little more than the messages in flight.
        _batchLimit = options.Ordering == MessageOrdering.Unordered ? 8 : WorkBatch.Capacity;
    }

    /// <summary>The partitions owned right now (any thread).</summary>
    public IReadOnlyList<OwnedPartition> Owned => _snapshot;

    /// <summary>Completes when the poll thread has closed the consumer and exited.</summary>
    public Task Exited => _exited.Task;

    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = $"sluice-poll-{_options.Name}" };
        _thread.Start();
    }

    /// <summary>Queues a command for the poll thread (any thread).</summary>
    public Task<T> Send<T>(PollCommand<T> command)
    {
        if (!_commands.Writer.TryWrite(command))
        {
            command.Fail(new ObjectDisposedException(nameof(SluiceConsumer), "The consumer has stopped."));
        }
        return command.Task;
    }

    /// <summary>
    /// Connects the consumer's client to the cluster and reads the metadata of <paramref name="topics"/> and the
    /// watermarks of their partitions, so the first assignment does not pay for connections (any thread:
    /// librdkafka's metadata and watermark calls are thread-safe).
    /// </summary>
    public int WarmUp(IReadOnlyList<string> topics, TimeSpan timeout)
    {
        using var admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
        var partitions = 0;
        foreach (var topic in topics)
        {
            var metadata = admin.GetMetadata(topic, timeout).Topics.FirstOrDefault(t => t.Topic == topic);
            foreach (var partition in metadata?.Partitions ?? [])
            {
                _consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition.PartitionId), timeout);
                partitions++;
            }
        }
        return partitions;
    }

    /// <summary>The partition's watermarks from its leader (any thread: librdkafka's watermark query is thread-safe).</summary>
    public WatermarkOffsets QueryWatermarks(TopicPartition topicPartition, TimeSpan timeout) =>
        _consumer.QueryWatermarkOffsets(topicPartition, timeout);

    /// <summary>Asks for a commit on the next loop (any thread, no wait).</summary>
    public void RequestCommit() => _commitRequested = true;

    private void Run()
    {
        LogPollThreadStarted(_options.Name);
        try
        {
            _nextCommit = _time.GetTimestamp();
            while (_running)
            {
                RunCommands();
                if (!_running)
                {
                    break;
                }
                Maintain();
                Poll();
            }
        }
        catch (Exception ex)
        {
            LogPollThreadFailed(ex);
        }
        finally
        {
            _commands.Writer.TryComplete();
            while (_commands.Reader.TryRead(out var command))
            {
                command.Fail(new ObjectDisposedException(nameof(SluiceConsumer), "The consumer has stopped."));
            }
            try
            {
                _consumer.Close();
            }
            catch (Exception ex)
            {
                LogCloseFailed(ex);
            }
            _consumer.Dispose();
            LogPollThreadStopped(_options.Name);
            _exited.TrySetResult();
        }
    }

    /// <summary>Consumes what librdkafka has ready (up to a bound) and hands it to the lanes in batches.</summary>
    private void Poll()
    {
        ConsumeResult<byte[]?, byte[]?>? result;
        try
        {
            result = _consumer.Consume(_pollTimeoutMs);
            var drained = 0;
            while (result is not null)
            {
                Dispatch(result);
                if (++drained == MaxMessagesPerDrain)
                {
                    break;
                }
                result = _consumer.Consume(0);
            }
        }
        catch (ConsumeException ex)
        {
            LogConsumeError(ex.ConsumerRecord?.TopicPartitionOffset?.ToString() ?? "-", ex.Error.Code, ex.Error.Reason);
        }
        finally
        {
            Flush();
        }
    }

    private void Dispatch(ConsumeResult<byte[]?, byte[]?> result)
    {
        if (result.IsPartitionEOF || !_owned.TryGetValue((result.Topic, result.Partition.Value), out var partition)
            || partition.IsReleasing || partition.IsFailed || partition.IsFencedOut)
        {
            return; // not ours (any more), or stopped: the next owner starts from the committed offset
        }
        var message = result.Message;
        var bytes = (message.Key?.Length ?? 0) + (message.Value?.Length ?? 0);
        var sequence = partition.Append(result.Offset.Value, bytes);

        int lane;
        if (_options.Ordering == MessageOrdering.PerKey && message.Key is { } key)
        {
            var hash = new HashCode();
            hash.AddBytes(key);
            lane = (int)((uint)hash.ToHashCode() % (uint)_pending.Length);
        }
        else
        {
            lane = partition.Lane;
        }

        var batch = _pending[lane] ??= WorkBatch.Rent(_batchLimit);
        batch.Add(new WorkItem(result, partition, sequence, bytes));
        if (batch.IsFull)
        {
            _pending[lane] = null;
            _workers.Post(lane, batch);
        }

        if (!partition.IsPaused && _reservoir.IsFull(partition))
        {
            Pause(partition);
            _metrics.Paused.Inc();
        }
    }

    private void Flush()
    {
        for (var lane = 0; lane < _pending.Length; lane++)
        {
            if (_pending[lane] is { } batch)
            {
                _pending[lane] = null;
                _workers.Post(lane, batch);
            }
        }
    }

    /// <summary>Resumes drained partitions, refreshes watermarks, commits when due.</summary>
    private void Maintain()
    {
        foreach (var partition in _snapshot)
        {
            if (partition.IsPaused && !partition.IsFencedOut && !partition.IsFailed && !partition.IsReleasing && _reservoir.CanResume(partition))
            {
                _consumer.Resume([partition.TopicPartition]);
                partition.IsPaused = false;
            }
        }

        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(_nextWatermarks, now) >= TimeSpan.Zero)
        {
            _nextWatermarks = now + (long)(WatermarkInterval.TotalSeconds * _time.TimestampFrequency);
            foreach (var partition in _snapshot)
            {
                var high = _consumer.GetWatermarkOffsets(partition.TopicPartition).High;
                if (high.Value >= 0)
                {
                    partition.HighWatermark = high.Value;
                }
                var progress = partition.Snapshot();
                if (progress.Lag >= 0)
                {
                    partition.Metrics.Lag.Set(progress.Lag);
                }
            }
        }

        if (_commitRequested || _time.GetElapsedTime(_nextCommit, now) >= TimeSpan.Zero)
        {
            _commitRequested = false;
            _nextCommit = now + (long)(_options.CommitInterval.TotalSeconds * _time.TimestampFrequency);
            CommitCompleted(_snapshot);
        }
    }

    /// <summary>
    /// Commits every partition whose contiguous completed prefix moved. Returns false when Kafka refused.
    /// A fenced partition is committed only by the fence itself (<paramref name="fence"/>): after that the
    /// scheduler may give it to another task, whose offsets this one must never overwrite.
    /// </summary>
    private bool CommitCompleted(IEnumerable<OwnedPartition> partitions, bool fence = false)
    {
        List<(OwnedPartition Partition, long Offset)>? due = null;
        foreach (var partition in partitions)
        {
            if ((fence || !partition.IsFencedOut) && partition.NextCommitOffset is { } next && next > partition.CommittedOffset)
            {
                (due ??= []).Add((partition, next));
            }
        }
        if (due is null)
        {
            return true;
        }
        if (!_options.CommitOffsets)
        {
            foreach (var (partition, offset) in due)
            {
                partition.CommittedOffset = offset;
            }
            return true;
        }
        try
        {
            _consumer.Commit(due.Select(d => new TopicPartitionOffset(d.Partition.TopicPartition, d.Offset)));
            foreach (var (partition, offset) in due)
            {
                partition.CommittedOffset = offset;
            }
            _metrics.Commits.Inc();
            return true;
        }
        catch (KafkaException ex)
        {
            _metrics.CommitErrors.Inc();
            LogCommitFailed(due.Count, ex.Error.Code, ex.Error.Reason);
            return false;
        }
    }

    /// <summary>
    /// Stops fetching a partition for good (release, stop, fence). Our own pause is lifted first so it
    /// cannot carry over to a later assignment; pauses only ever follow a delivered message, so
    /// librdkafka has a position for it.
    /// </summary>
    private void Unassign(OwnedPartition partition)
    {
        if (partition.IsFencedOut)
        {
            return;
        }
        if (partition.IsPaused)
        {
            _consumer.Resume([partition.TopicPartition]);
            partition.IsPaused = false;
        }
        _consumer.IncrementalUnassign([partition.TopicPartition]);
    }

    private void Pause(OwnedPartition partition)
    {
        if (!partition.IsPaused)
        {
            _consumer.Pause([partition.TopicPartition]);
            partition.IsPaused = true;
        }
    }

    private void RunCommands()
    {
        while (_commands.Reader.TryRead(out var command))
        {
            try
            {
                command.Execute(this);
            }
            catch (Exception ex)
            {
                command.Fail(ex);
            }
        }
    }

    private void PublishSnapshot() => _snapshot = [.. _owned.Values];

    private static (string, int) Key(TopicPartition tp) => (tp.Topic, tp.Partition.Value);

    // ---- Commands (poll thread) ----

    internal AssignResult Assign(AssignCommand command)
    {
        var tp = command.TopicPartition;
        var held = _epochs.GetValueOrDefault(tp, long.MinValue);
        if (command.Epoch < held)
        {
            LogStaleCommand("Assign", tp.ToString(), command.Epoch, held);
            return new AssignResult(AssignOutcome.StaleEpoch, tp, command.Epoch, held);
        }
        _epochs[tp] = command.Epoch;
        if (_owned.TryGetValue(Key(tp), out var owned))
        {
            if (owned.IsReleasing || _fencing.Contains(owned))
            {
                // A newer owner epoch for a partition still draining here (a release, or a fence before its last
                // commit): assign once that finishes, so the assignment starts after what the drain commits.
                _deferredAssigns[tp] = command;
                return default;
            }
            if (owned.IsFencedOut)
            {
                return Resume(owned, command);
            }
            owned.Epoch = command.Epoch;
            return new AssignResult(AssignOutcome.AlreadyOwned, tp, command.Epoch, command.Epoch);
        }

        var lane = 0;
        for (var i = 1; i < _partitionsPerLane.Length; i++)
        {
            if (_partitionsPerLane[i] < _partitionsPerLane[lane])
            {
                lane = i;
            }
        }
        _partitionsPerLane[lane]++;
        long? start = command.StartOffset is { } s && s >= 0 ? s : null;
        var partition = new OwnedPartition(tp, command.Epoch, start, lane, _reservoir, _metrics.ForPartition(tp.Topic, tp.Partition.Value));
        _consumer.IncrementalAssign([new TopicPartitionOffset(tp, command.StartOffset is { } o ? new Offset(o) : Offset.Stored)]);
        _owned[Key(tp)] = partition;
        _released.Remove(tp);
        PublishSnapshot();
        LogAssigned(tp.Topic, tp.Partition.Value, command.StartOffset ?? Offset.Stored.Value, command.Epoch);
        return new AssignResult(AssignOutcome.Assigned, tp, command.Epoch, command.Epoch);
    }

    /// <summary>
    /// The scheduler gives a fenced partition back: a new assignment (same lane) at the scheduler's offset. The
    /// fenced instance keeps its cut, so messages it skipped are never counted by the new one.
    /// </summary>
    private AssignResult Resume(OwnedPartition fenced, AssignCommand command)
    {
        var tp = fenced.TopicPartition;
        var start = command.StartOffset is { } s && s >= 0 ? s : fenced.NextCommitOffset;
        var partition = new OwnedPartition(tp, command.Epoch, start, fenced.Lane, _reservoir, fenced.Metrics);
        _consumer.IncrementalAssign([new TopicPartitionOffset(tp, start is { } o ? new Offset(o) : Offset.Stored)]);
        _owned[Key(tp)] = partition;
        PublishSnapshot();
        LogResumed(tp.Topic, tp.Partition.Value, start ?? Offset.Stored.Value, command.Epoch);
        return new AssignResult(AssignOutcome.Assigned, tp, command.Epoch, command.Epoch);
    }

    internal ReleaseStart BeginRelease(TopicPartition tp, long epoch)
    {
        var held = _epochs.GetValueOrDefault(tp, long.MinValue);
        if (epoch < held)
        {
            LogStaleCommand("Release", tp.ToString(), epoch, held);
            return new ReleaseStart(null, null, new ReleaseResult(ReleaseOutcome.StaleEpoch, tp, epoch, Offset.Unset.Value, false, TimeSpan.Zero));
        }
        if (!_owned.TryGetValue(Key(tp), out var partition))
        {
            // A repeated release (the answer was lost) gets the same answer.
            return _released.TryGetValue(tp, out var last) && last.Epoch == epoch
                ? new ReleaseStart(null, null, new ReleaseResult(ReleaseOutcome.Released, tp, epoch, last.Offset, false, TimeSpan.Zero))
                : new ReleaseStart(null, null, new ReleaseResult(ReleaseOutcome.NotOwned, tp, epoch, Offset.Unset.Value, false, TimeSpan.Zero));
        }
        _epochs[tp] = epoch;
        partition.Epoch = epoch;
        var drained = partition.BeginDrain();
        Unassign(partition);
        PublishSnapshot();
        return new ReleaseStart(partition, drained, null);
    }

    internal long FinishRelease(OwnedPartition partition)
    {
        var tp = partition.TopicPartition;
        var next = partition.NextCommitOffset;
        if (next is null)
        {
            var committed = _consumer.Committed([tp], CommitTimeout).FirstOrDefault()?.Offset ?? Offset.Unset;
            next = committed.Value >= 0 ? committed.Value : Offset.Unset.Value;
        }
        else
        {
            CommitWithRetries([partition], fence: false);
        }

        if (_owned.TryGetValue(Key(tp), out var current) && ReferenceEquals(current, partition))
        {
            _owned.Remove(Key(tp));
            _partitionsPerLane[partition.Lane]--;
            _metrics.RemovePartition(tp.Topic, tp.Partition.Value);
            PublishSnapshot();
        }
        _released[tp] = (partition.Epoch, next.Value);
        LogReleased(tp.Topic, tp.Partition.Value, next.Value, partition.Epoch);
        _fencing.Remove(partition);
        RunDeferredAssign(tp);
        return next.Value;
    }

    private void RunDeferredAssign(TopicPartition tp)
    {
        if (_deferredAssigns.Remove(tp, out var deferred))
        {
            _epochs[tp] = long.MinValue;
            try
            {
                deferred.Complete(Assign(deferred));
            }
            catch (Exception ex)
            {
                deferred.Fail(ex);
            }
        }
    }

    /// <summary>A commit that must not be lost to a passing refusal (a release, a fence): three tries. False when all failed.</summary>
    private bool CommitWithRetries(IReadOnlyList<OwnedPartition> partitions, bool fence)
    {
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            if (CommitCompleted(partitions, fence))
            {
                return true;
            }
            Thread.Sleep(TimeSpan.FromMilliseconds(50 * attempt)); // rare: Kafka refused the commit
        }
        return false;
    }

    internal void StopPartition(OwnedPartition partition)
    {
        if (_owned.TryGetValue(Key(partition.TopicPartition), out var current) && ReferenceEquals(current, partition) && !partition.IsFencedOut && !partition.IsReleasing)
        {
            Pause(partition);
        }
    }

    internal IReadOnlyList<(OwnedPartition Partition, Task Drained)> BeginStop()
    {
        // A partition whose release has begun (its caller still waits for the drain, or gave up waiting) is unassigned
        // already: librdkafka refuses to unassign it twice, which would fail the stop and leave this thread running.
        var assigned = _owned.Values.Where(p => !p.IsReleasing).ToList();
        var drains = _owned.Values.Select(p => (p, p.BeginDrain())).ToList();
        foreach (var partition in assigned)
        {
            Unassign(partition);
        }
        return drains;
    }

    /// <summary>
    /// Self-fencing (the scheduler's lease ran out), first half: every partition stops fetching and starting
    /// messages; the messages already started go on. Returns what to wait for before <see cref="FinishFence"/>.
    /// </summary>
    internal IReadOnlyList<(OwnedPartition Partition, Task Drained)> BeginFence()
    {
        var drains = new List<(OwnedPartition, Task)>();
        foreach (var partition in _owned.Values.Where(p => !p.IsFencedOut && !p.IsReleasing))
        {
            // Unassigned rather than paused: a partition that has delivered nothing yet has no position in
            // librdkafka, and resuming it would fall back to the committed offset or auto.offset.reset.
            Unassign(partition);
            partition.IsFencedOut = true;
            _fencing.Add(partition);
            drains.Add((partition, partition.BeginFence()));
        }
        LogFencing(drains.Count);
        return drains;
    }

    /// <summary>
    /// Second half: one last commit of what finished (nobody else owns these partitions yet: the scheduler waits
    /// for the lease and a margin), then nothing more until each is assigned again or released.
    /// </summary>
    internal bool FinishFence(IReadOnlyList<OwnedPartition> partitions)
    {
        var held = partitions.Where(p => _owned.TryGetValue(Key(p.TopicPartition), out var current) && ReferenceEquals(current, p) && !p.IsReleasing).ToList();
        var committed = CommitWithRetries(held, fence: true);
        LogFenced(held.Count, committed, string.Join(' ', held.Select(p => $"{p.Topic}[{p.Partition}]@{p.CommittedOffset}")));
        foreach (var partition in partitions)
        {
            _fencing.Remove(partition);
            RunDeferredAssign(partition.TopicPartition);
        }
        return committed;
    }

    internal void FinishStop()
    {
        CommitCompleted(_owned.Values); // not the fenced partitions: the scheduler may have given them to another task
        foreach (var partition in _owned.Values)
        {
            _metrics.RemovePartition(partition.Topic, partition.Partition);
        }
        _owned.Clear();
        PublishSnapshot();
        _running = false;
    }
}

/// <summary>What the poll thread answers when a release starts: either the drain to await, or a final answer.</summary>
internal sealed record ReleaseStart(OwnedPartition? Partition, Task? Drained, ReleaseResult? Immediate);
