using System.Threading.Channels;

namespace Sluice.Scheduler.Api;

/// <summary>
/// In-process hub of <see cref="SchedulerEvent"/>s: the REST API and the scheduler's engine publish, every event-stream
/// client subscribes. Each subscriber has a bounded buffer that drops its oldest events when the reader is slow, so
/// publishing never blocks and never fails. Thread-safe.
/// </summary>
internal sealed class SchedulerEvents(TimeProvider time)
{
    /// <summary>Events buffered per subscriber before the oldest are dropped.</summary>
    public const int SubscriberCapacity = 256;

    private readonly Lock _gate = new();
    private Channel<SchedulerEvent>[] _subscribers = [];
    private long _sequence;

    /// <summary>Current number of subscribers.</summary>
    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    /// <summary>Publishes an event to every subscriber; returns it with its sequence number and time.</summary>
    public SchedulerEvent Publish(string type, string? consumer = null, string? message = null, IReadOnlyDictionary<string, string>? data = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        var e = new SchedulerEvent(Interlocked.Increment(ref _sequence), type, consumer, time.GetUtcNow(), message, data);
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            // DropOldest: TryWrite always succeeds until the channel is completed.
            subscriber.Writer.TryWrite(e);
        }
        return e;
    }

    /// <summary>Subscribes; dispose the subscription to stop receiving.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<SchedulerEvent>(new BoundedChannelOptions(SubscriberCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = false,
        });
        lock (_gate) Volatile.Write(ref _subscribers, [.. _subscribers, channel]);
        return new Subscription(this, channel);
    }

    private void Unsubscribe(Channel<SchedulerEvent> channel)
    {
        lock (_gate) Volatile.Write(ref _subscribers, [.. _subscribers.Where(c => c != channel)]);
        channel.Writer.TryComplete();
    }

    /// <summary>One subscriber's view of the hub.</summary>
    internal sealed class Subscription(SchedulerEvents hub, Channel<SchedulerEvent> channel) : IDisposable
    {
        private int _disposed;

        public ChannelReader<SchedulerEvent> Reader => channel.Reader;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                hub.Unsubscribe(channel);
            }
        }
    }
}
