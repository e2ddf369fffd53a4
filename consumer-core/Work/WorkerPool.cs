using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Sluice.Consumer.Failures;
using Sluice.Consumer.Metrics;
using Sluice.Consumer.Ownership;

namespace Sluice.Consumer.Work;

/// <summary>
/// N workers, each reading one lane (a <see cref="Channel{T}"/> of <see cref="WorkBatch"/>es) and
/// running the handler one message (or one batch) at a time, so a lane is processed in order.
/// The poll thread picks the lane: per partition, per key hash, or (unordered) one lane all workers share.
/// </summary>
/// <remarks>
/// Workers are thread-pool tasks. A handler exception is a failed attempt handed to the
/// <see cref="FailurePolicy"/>; nothing a handler does ends a worker. Workers never touch the Kafka consumer.
/// </remarks>
internal sealed partial class WorkerPool
{
    private readonly SluiceConsumerOptions _options;
    private readonly IMessageHandler? _handler;
    private readonly IBatchMessageHandler? _batchHandler;
    private readonly FailurePolicy _failures;
    private readonly ConsumerMetrics _metrics;
    private readonly Action<OwnedPartition> _onStopped;
    private readonly Action _onBatchDone;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly Channel<WorkBatch>[] _lanes;
    private readonly Task[] _workers;

    public WorkerPool(
        SluiceConsumerOptions options,
        IMessageHandler? handler,
        IBatchMessageHandler? batchHandler,
        FailurePolicy failures,
        ConsumerMetrics metrics,
        Action<OwnedPartition> onStopped,
        Action onBatchDone,
        TimeProvider time,
        ILogger logger,
        CancellationToken stopping)
    {
        Debug.Assert(handler is not null ^ batchHandler is not null);
        _options = options;
        _handler = handler;
        _batchHandler = batchHandler;
        _failures = failures;
        _metrics = metrics;
        _onStopped = onStopped;
        _onBatchDone = onBatchDone;
        _time = time;
        _logger = logger;
        _stopping = stopping;
        _workers = new Task[options.Workers];
        if (options.Ordering == MessageOrdering.Unordered)
        {
            _lanes = [Channel.CreateUnbounded<WorkBatch>(new UnboundedChannelOptions { SingleWriter = true, SingleReader = false })];
        }
        else
        {
            _lanes = new Channel<WorkBatch>[options.Workers];
            for (var i = 0; i < _lanes.Length; i++)
            {
                _lanes[i] = Channel.CreateUnbounded<WorkBatch>(new UnboundedChannelOptions { SingleWriter = true, SingleReader = true });
            }
        }
    }

    /// <summary>Number of lanes the poll thread routes to (1 when unordered).</summary>
    public int LaneCount => _lanes.Length;

    public void Start()
    {
        for (var i = 0; i < _workers.Length; i++)
        {
            var reader = _lanes[i % _lanes.Length].Reader;
            _workers[i] = _batchHandler is null
                ? Task.Run(() => RunAsync(reader))
                : Task.Run(() => RunBatchesAsync(reader));
        }
    }

    /// <summary>Poll thread: hands a batch to a lane.</summary>
    public void Post(int lane, WorkBatch batch)
    {
        if (!_lanes[lane].Writer.TryWrite(batch))
        {
            // Completed lanes (the consumer is stopping): the messages are cut off anyway.
            Skip(batch, 0);
        }
    }

    /// <summary>Lets the workers finish what is queued (cut-off messages are skipped) and waits for them.</summary>
    public async Task CompleteAsync()
    {
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }
        await Task.WhenAll(_workers.Where(w => w is not null)).ConfigureAwait(false);
    }

    private async Task RunAsync(ChannelReader<WorkBatch> reader)
    {
        while (true)
        {
            try
            {
                await RunLaneAsync(reader).ConfigureAwait(false);
                return;
            }
            catch (Exception ex)
            {
                // Not a handler exception (those are failed attempts): a defect here must not silence the lane.
                LogWorkerFault(ex);
            }
        }
    }

    private async Task RunLaneAsync(ChannelReader<WorkBatch> reader)
    {
        var handler = _handler!;
        OwnedPartition? counted = null; // records and bytes are counted per run of one partition's messages
        long records = 0, bytes = 0;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var batch))
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    var item = batch.Items[i];
                    var partition = item.Partition;
                    if (!partition.TryStart(item.Offset))
                    {
                        partition.Skip(item.Sequence, item.Bytes);
                        continue;
                    }

                    var started = Stopwatch.GetTimestamp();
                    var message = new ConsumedMessage(item.Result);
                    Exception? error = null;
                    try
                    {
                        var pending = handler.HandleAsync(message, _stopping);
                        if (!pending.IsCompletedSuccessfully)
                        {
                            await pending.ConfigureAwait(false);
                        }
                    }
                    catch (Exception ex)
                    {
                        error = ex;
                    }

                    if (error is null)
                    {
                        partition.Complete(item.Sequence, item.Bytes);
                    }
                    else
                    {
                        await HandleFailureAsync(handler, item, message, error).ConfigureAwait(false);
                    }
                    _metrics.Latency.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
                    if (!ReferenceEquals(partition, counted))
                    {
                        Count(counted, records, bytes);
                        counted = partition;
                        records = 0;
                        bytes = 0;
                    }
                    records++;
                    bytes += item.Bytes;
                }
                Count(counted, records, bytes);
                counted = null;
                records = 0;
                bytes = 0;
                batch.Return();
            }
        }
    }

    private async Task RunBatchesAsync(ChannelReader<WorkBatch> reader)
    {
        var handler = _batchHandler!;
        var size = _options.BatchSize;
        var messages = new ConsumedMessage[size];
        var items = new WorkItem[size];
        WorkBatch? current = null;
        var index = 0;
        var count = 0;
        var lingered = false;
        while (true)
        {
            // Fill from the lane without waiting.
            while (count < size)
            {
                if (current is null || index == current.Count)
                {
                    current?.Return();
                    current = null;
                    if (!reader.TryRead(out current))
                    {
                        break;
                    }
                    index = 0;
                }
                var item = current.Items[index++];
                if (!item.Partition.TryStart(item.Offset))
                {
                    item.Partition.Skip(item.Sequence, item.Bytes);
                    continue;
                }
                items[count] = item;
                messages[count] = new ConsumedMessage(item.Result);
                count++;
            }

            if (count == 0)
            {
                lingered = false;
                if (!await reader.WaitToReadAsync().ConfigureAwait(false))
                {
                    return;
                }
                continue;
            }
            if (count < size && !lingered && _options.BatchLinger > TimeSpan.Zero)
            {
                lingered = true;
                using var linger = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
                linger.CancelAfter(_options.BatchLinger);
                await ((Task)reader.WaitToReadAsync(linger.Token).AsTask()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            var started = Stopwatch.GetTimestamp();
            var batch = new ReadOnlyMemory<ConsumedMessage>(messages, 0, count);
            Exception? error = null;
            try
            {
                await handler.HandleAsync(batch, _stopping).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                error = ex;
            }
            var done = new ReadOnlyMemory<WorkItem>(items, 0, count);
            if (error is null)
            {
                for (var i = 0; i < count; i++)
                {
                    items[i].Partition.Complete(items[i].Sequence, items[i].Bytes);
                }
            }
            else
            {
                await HandleFailureAsync(batch, done, error, ct => handler.HandleAsync(batch, ct)).ConfigureAwait(false);
            }
            _metrics.Latency.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            for (var i = 0; i < count; i++)
            {
                items[i].Partition.Metrics.Records.Inc();
                items[i].Partition.Metrics.Bytes.Inc(items[i].Bytes);
            }
            Array.Clear(items, 0, count);
            Array.Clear(messages, 0, count);
            count = 0;
            lingered = false;
            if (_options.CommitAfterBatch)
            {
                _onBatchDone();
            }
        }
    }

    /// <summary>The failure path of one message (kept out of the loop so its closure is only allocated on failure).</summary>
    private ValueTask HandleFailureAsync(IMessageHandler handler, WorkItem item, ConsumedMessage message, Exception error) =>
        HandleFailureAsync(new ReadOnlyMemory<ConsumedMessage>([message]), new ReadOnlyMemory<WorkItem>([item]), error, ct => handler.HandleAsync(message, ct));

    /// <summary>The failure path of one message or batch: retries, callbacks, and the outcome on the partitions.</summary>
    private async ValueTask HandleFailureAsync(ReadOnlyMemory<ConsumedMessage> messages, ReadOnlyMemory<WorkItem> items, Exception error, Func<CancellationToken, ValueTask> attempt)
    {
        for (var i = 0; i < items.Length; i++)
        {
            items.Span[i].Partition.CountFailure();
        }

        FailedDecision? decision;
        try
        {
            decision = await _failures.HandleAsync(attempt, messages, error, _stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping mid-retry: the message is not done, so no commit passes it.
            for (var i = 0; i < items.Length; i++)
            {
                var item = items.Span[i];
                item.Partition.Abandon(item.Sequence, item.Bytes);
            }
            return;
        }
        catch (Exception ex)
        {
            LogFailurePolicyThrew(messages.Span[0].ToString(), ex);
            decision = FailedDecision.DoNotCommitOffsetAndStop;
        }

        for (var i = 0; i < items.Length; i++)
        {
            var item = items.Span[i];
            if (decision is FailedDecision.DoNotCommitOffsetAndStop)
            {
                var wasFailed = item.Partition.IsFailed;
                item.Partition.Fail(item.Sequence, item.Offset, item.Bytes);
                if (!wasFailed)
                {
                    LogPartitionStopped(item.Partition.Topic, item.Partition.Partition, item.Offset);
                    _onStopped(item.Partition);
                }
            }
            else
            {
                item.Partition.Complete(item.Sequence, item.Bytes);
            }
        }
    }

    private static void Count(OwnedPartition? partition, long records, long bytes)
    {
        if (partition is not null && records > 0)
        {
            partition.Metrics.Records.Inc(records);
            partition.Metrics.Bytes.Inc(bytes);
        }
    }

    private static void Skip(WorkBatch batch, int from)
    {
        for (var i = from; i < batch.Count; i++)
        {
            var item = batch.Items[i];
            item.Partition.Skip(item.Sequence, item.Bytes);
        }
        batch.Return();
    }
}
