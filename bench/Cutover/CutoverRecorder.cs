namespace Sluice.Bench.Cutover;

/// <summary>
/// The run's clock and its two logs: what the workload producer got acknowledged and what the
/// contender's handlers finished. Also answers the waits a run needs ("every partition has
/// progressed since t", "everything produced so far was processed") without polling.
/// </summary>
/// <remarks>All members are thread-safe. Waiters are checked under the lock on every append.</remarks>
internal sealed class CutoverRecorder : ICutoverSink
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly DateTimeOffset _startedUtc;
    private readonly string _topic;
    private readonly List<ProcessedRecord> _processed = new(1 << 16);
    private readonly List<ProducedRecord> _produced = new(1 << 16);
    private readonly TimeSpan[] _lastProcessedAt;
    private readonly HashSet<long>[] _distinctProcessed;
    private readonly int[] _producedCount;
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public CutoverRecorder(string topic, int partitions, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        _topic = topic;
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
        _startedUtc = _time.GetUtcNow();
        Partitions = partitions;
        _lastProcessedAt = new TimeSpan[partitions];
        Array.Fill(_lastProcessedAt, TimeSpan.MinValue);
        _distinctProcessed = Enumerable.Range(0, partitions).Select(_ => new HashSet<long>()).ToArray();
        _producedCount = new int[partitions];
    }

    public int Partitions { get; }

    /// <summary>Time since the recorder started: the run's clock.</summary>
    public TimeSpan Now => _time.GetElapsedTime(_started);

    public void RecordProcessed(string topic, int partition, long offset, string consumerId, string version) =>
        Record(topic, partition, offset, consumerId, version, Now);

    public void RecordProcessedAt(string topic, int partition, long offset, string consumerId, string version, DateTimeOffset at) =>
        Record(topic, partition, offset, consumerId, version, at - _startedUtc);

    private void Record(string topic, int partition, long offset, string consumerId, string version, TimeSpan at)
    {
        if (!string.Equals(topic, _topic, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The scenario's topic is '{_topic}', not '{topic}'.", nameof(topic));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, Partitions);
        lock (_gate)
        {
            _processed.Add(new ProcessedRecord(partition, offset, consumerId, version, at));
            _lastProcessedAt[partition] = at > _lastProcessedAt[partition] ? at : _lastProcessedAt[partition];
            _distinctProcessed[partition].Add(offset);
            CheckWaiters();
        }
    }

    /// <summary>Called by the workload producer for every acknowledged record.</summary>
    public void RecordProduced(int partition, long offset)
    {
        var at = Now;
        lock (_gate)
        {
            _produced.Add(new ProducedRecord(partition, offset, at));
            _producedCount[partition]++;
            CheckWaiters();
        }
    }

    public IReadOnlyList<ProcessedRecord> ProcessedSnapshot()
    {
        lock (_gate)
        {
            return _processed.ToArray();
        }
    }

    public IReadOnlyList<ProducedRecord> ProducedSnapshot()
    {
        lock (_gate)
        {
            return _produced.ToArray();
        }
    }

    /// <summary>Completes when every partition has a record processed at or after <paramref name="since"/>.</summary>
    public Task WhenEveryPartitionProcessedSinceAsync(TimeSpan since, CancellationToken cancellationToken) =>
        WhenAsync(() => _lastProcessedAt.All(at => at >= since), cancellationToken);

    /// <summary>
    /// Completes when every record acknowledged before this call has been processed at least once
    /// (records acknowledged later do not hold it back).
    /// </summary>
    public Task WhenCaughtUpAsync(CancellationToken cancellationToken)
    {
        int[] target;
        lock (_gate)
        {
            target = (int[])_producedCount.Clone();
        }
        // Offsets of a partition are acknowledged in order, so "as many distinct offsets processed as
        // were acknowledged" means every one of them, unless something beyond them was processed.
        return WhenAsync(() => _distinctProcessed.Select((offsets, p) => offsets.Count >= target[p]).All(done => done), cancellationToken);
    }

    private Task WhenAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition())
            {
                return Task.CompletedTask;
            }
            _waiters.Add((condition, done));
        }
        return done.Task.WaitAsync(cancellationToken);
    }

    private void CheckWaiters()
    {
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Condition())
            {
                _waiters[i].Done.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }
}
