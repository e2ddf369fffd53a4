using Google.Protobuf;
using Sluice.Mesos.RecordIO;
using Sluice.Proto.Mesos.V1.Scheduler;

namespace Sluice.Mesos.Scheduler;

/// <summary>
/// One open SUBSCRIBE response: the RecordIO event stream, its <c>Mesos-Stream-Id</c>, and the
/// heartbeat watchdog that drops it when the master goes quiet.
/// </summary>
internal sealed class SchedulerEventStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly RecordIOReader _reader;
    private readonly CancellationTokenSource _drop;
    private readonly ITimer _watchdog;
    private string? _dropReason;

    public SchedulerEventStream(Uri endpoint, string streamId, HttpResponseMessage response, Stream body, int maxEventLength, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        Endpoint = endpoint;
        StreamId = streamId;
        _response = response;
        _reader = new RecordIOReader(body, maxEventLength);
        _drop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _watchdog = timeProvider.CreateTimer(static state => ((SchedulerEventStream)state!).OnWatchdog(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The master's scheduler endpoint this stream came from.</summary>
    public Uri Endpoint { get; }

    public string StreamId { get; }

    /// <summary>How long the stream may stay silent before it is dropped.</summary>
    public TimeSpan SilenceTimeout { get; private set; }

    /// <summary>Why the stream was dropped from outside (watchdog, leader change), if it was.</summary>
    public string? DropReason => Volatile.Read(ref _dropReason);

    /// <summary>Longest silence a timer can watch (its due time is at most 2³² − 2 ms, about 49.7 days).</summary>
    public static readonly TimeSpan MaxSilenceTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// Sets how long each later <see cref="ReadAsync"/> may wait for an event:
    /// <paramref name="missedHeartbeats"/> × <paramref name="heartbeatInterval"/>, at most <see cref="MaxSilenceTimeout"/>.
    /// </summary>
    public void SetSilenceTimeout(TimeSpan heartbeatInterval, int missedHeartbeats) =>
        SilenceTimeout = TimeSpan.FromTicks((long)Math.Min((double)heartbeatInterval.Ticks * missedHeartbeats, MaxSilenceTimeout.Ticks));

    /// <summary>Ends the stream: a pending or later <see cref="ReadAsync"/> is cancelled. Thread-safe.</summary>
    public void Drop(string reason)
    {
        Interlocked.CompareExchange(ref _dropReason, reason, null);
        try
        {
            _drop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }
    }

    /// <summary>The next event, or <see langword="null"/> when the master closed the stream.</summary>
    /// <exception cref="RecordIOException">The stream is not RecordIO.</exception>
    /// <exception cref="InvalidProtocolBufferException">A record is not an Event.</exception>
    /// <exception cref="OperationCanceledException">Dropped (see <see cref="DropReason"/>) or cancelled.</exception>
    /// <remarks>
    /// The watchdog runs only while a read waits: time the consumer spends on an event does not
    /// count as silence of the master.
    /// </remarks>
    public async ValueTask<Event?> ReadAsync()
    {
        _watchdog.Change(SilenceTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            return await _reader.ReadAsync(static body => Event.Parser.ParseFrom(body), _drop.Token).ConfigureAwait(false);
        }
        finally
        {
            _watchdog.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _watchdog.DisposeAsync().ConfigureAwait(false);
        Drop("closed");
        await _reader.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
        _drop.Dispose();
    }

    private void OnWatchdog() => Drop($"no event from the master for {SilenceTimeout.TotalSeconds:0.###} s (heartbeats missed)");
}
