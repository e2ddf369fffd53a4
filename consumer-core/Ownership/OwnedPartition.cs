using Confluent.Kafka;
using Sluice.Consumer.Metrics;
using Sluice.Consumer.Offsets;
using Sluice.Consumer.Fetch;
using Sluice.Consumer.Progress;

namespace Sluice.Consumer.Ownership;

/// <summary>
/// One assignment of one partition: its offsets, its share of the reservoir and its release gate.
/// A new instance per assignment, so work items of an earlier assignment never touch a later one.
/// </summary>
/// <remarks>
/// Threads: the poll thread appends messages and owns the pause flags; workers start, complete,
/// skip and fail messages; any thread reads the snapshot. The tracker, the cut and the drain
/// signal and the held/in-flight counters are guarded by <c>_gate</c> (the locks a message takes
/// anyway), and read without it by the snapshot and the reservoir checks.
/// </remarks>
internal sealed class OwnedPartition
{
    private readonly Lock _gate = new();
    private readonly OffsetTracker _tracker;
    private readonly Reservoir _reservoir;
    private long _cut = long.MaxValue;      // messages at or past it are skipped (release, failure)
    private long _maxStarted = -1;
    private TaskCompletionSource? _drained;
    private long _heldMessages;
    private long _heldBytes;
    private long _inFlight;
    private long _failures;
    private long _committed = -1;
    private long _highWatermark = -1;
    private long _epoch;
    private volatile bool _failed;
    private volatile bool _releasing;
    private volatile bool _paused;
    private volatile bool _fencedOut;

    public OwnedPartition(TopicPartition topicPartition, long epoch, long? startOffset, int lane, Reservoir reservoir, PartitionMetrics metrics)
    {
        TopicPartition = topicPartition;
        Topic = topicPartition.Topic;
        Partition = topicPartition.Partition.Value;
        _epoch = epoch;
        Lane = lane;
        _reservoir = reservoir;
        Metrics = metrics;
        _tracker = new OffsetTracker(startOffset);
    }

    public TopicPartition TopicPartition { get; }

    public string Topic { get; }

    public int Partition { get; }

    /// <summary>The worker lane of this partition in <see cref="MessageOrdering.PerPartition"/> mode.</summary>
    public int Lane { get; }

    public PartitionMetrics Metrics { get; }

    public long Epoch
    {
        get => Volatile.Read(ref _epoch);
        set => Volatile.Write(ref _epoch, value);
    }

    public bool IsFailed => _failed;

    public bool IsReleasing => _releasing;

    /// <summary>Self-fenced: unassigned in Kafka, nothing starts or is committed any more (poll thread writes it).</summary>
    public bool IsFencedOut
    {
        get => _fencedOut;
        set => _fencedOut = value;
    }

    /// <summary>Where fetching must continue: after the last message handed to workers, or the start offset; null when unknown.</summary>
    public long? NextFetchOffset
    {
        get
        {
            lock (_gate)
            {
                return _tracker.NextAppendOffset;
            }
        }
    }

    /// <summary>Paused in Kafka (poll thread only writes it).</summary>
    public bool IsPaused
    {
        get => _paused;
        set => _paused = value;
    }

    public long HeldMessages => Volatile.Read(ref _heldMessages);

    public long InFlight => Volatile.Read(ref _inFlight);

    public long HeldBytes => Volatile.Read(ref _heldBytes);

    public long CommittedOffset
    {
        get => Volatile.Read(ref _committed);
        set => Volatile.Write(ref _committed, value);
    }

    public long HighWatermark
    {
        get => Volatile.Read(ref _highWatermark);
        set => Volatile.Write(ref _highWatermark, value);
    }

    /// <summary>Poll thread: records a fetched message. Returns its tracker sequence.</summary>
    public long Append(long offset, int bytes)
    {
        long sequence;
        lock (_gate)
        {
            sequence = _tracker.Append(offset);
            _heldMessages++;
            _heldBytes += bytes;
        }
        _reservoir.Add(bytes);
        return sequence;
    }

    /// <summary>Worker: may this message run? False when a release or a failure cut it off.</summary>
    public bool TryStart(long offset)
    {
        lock (_gate)
        {
            if (offset >= _cut)
            {
                return false;
            }
            if (offset > _maxStarted)
            {
                _maxStarted = offset;
            }
            _inFlight++;
        }
        return true;
    }

    /// <summary>Worker: the message is done (processed, committed past, or dead-lettered).</summary>
    public void Complete(long sequence, int bytes)
    {
        lock (_gate)
        {
            _tracker.Complete(sequence);
            _inFlight--;
            Release(bytes);
            SignalIfDrained();
        }
        _reservoir.Remove(bytes);
    }

    /// <summary>Worker: the message was cut off before it ran; the commit never passes it.</summary>
    public void Skip(long sequence, int bytes)
    {
        lock (_gate)
        {
            _tracker.Block(sequence);
            Release(bytes);
            SignalIfDrained();
        }
        _reservoir.Remove(bytes);
    }

    /// <summary>Worker: the message failed with DoNotCommitOffsetAndStop; later messages are cut off.</summary>
    public void Fail(long sequence, long offset, int bytes)
    {
        lock (_gate)
        {
            _tracker.Block(sequence);
            _cut = Math.Min(_cut, offset + 1);
            _failed = true;
            _inFlight--;
            Release(bytes);
            SignalIfDrained();
        }
        _reservoir.Remove(bytes);
    }

    /// <summary>Worker: the message was started but will not finish here (the consumer stopped mid-handler).</summary>
    public void Abandon(long sequence, int bytes)
    {
        lock (_gate)
        {
            _tracker.Block(sequence);
            _inFlight--;
            Release(bytes);
            SignalIfDrained();
        }
        _reservoir.Remove(bytes);
    }

    public void CountFailure() => Interlocked.Increment(ref _failures);

    /// <summary>
    /// Starts a release: nothing not yet started runs any more; the task completes when every message
    /// started before (and every one below it, in per-key or unordered mode) has finished.
    /// </summary>
    public Task BeginDrain() => StopStarting(releasing: true);

    /// <summary>
    /// Starts a self-fence: like <see cref="BeginDrain"/>, nothing not yet started runs; the partition stays
    /// held (not releasing), so the scheduler can give it back.
    /// </summary>
    public Task BeginFence() => StopStarting(releasing: false);

    private Task StopStarting(bool releasing)
    {
        lock (_gate)
        {
            _releasing |= releasing;
            var cut = _maxStarted >= 0 ? _maxStarted + 1 : long.MinValue;
            _cut = Math.Min(_cut, cut);
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            SignalIfDrained();
            return _drained.Task;
        }
    }

    /// <summary>The offset a commit may carry now, null when unknown.</summary>
    public long? NextCommitOffset
    {
        get
        {
            lock (_gate)
            {
                return _tracker.NextCommitOffset;
            }
        }
    }

    public PartitionProgress Snapshot()
    {
        long? next;
        lock (_gate)
        {
            next = _tracker.NextCommitOffset;
        }
        var inFlight = Volatile.Read(ref _inFlight);
        var hw = HighWatermark;
        var state = _failed ? PartitionState.Failed
            : _releasing ? PartitionState.Releasing
            : _fencedOut ? PartitionState.Fenced
            : _paused ? PartitionState.Paused
            : PartitionState.Owned;
        return new PartitionProgress(
            Topic,
            Partition,
            Epoch,
            state,
            CommittedOffset,
            next is { } n ? n - 1 : -1,
            hw,
            hw >= 0 && next is { } m ? Math.Max(0, hw - m) : -1,
            inFlight,
            Math.Max(0, HeldMessages - inFlight),
            HeldBytes,
            Volatile.Read(ref _failures));
    }

    /// <summary>Under <c>_gate</c>: the message leaves this partition's share of the reservoir.</summary>
    private void Release(int bytes)
    {
        _heldMessages--;
        _heldBytes -= bytes;
    }

    private void SignalIfDrained()
    {
        if (_drained is { Task.IsCompleted: false } drained && !_tracker.HasPendingBelow(_cut))
        {
            drained.TrySetResult();
        }
    }
}
