using System.Threading.Channels;
using Google.Protobuf;

namespace Sluice.Local.Mesos;

/// <summary>
/// The outbound side of one SUBSCRIBE response: events are queued here (never blocking the actor)
/// and written by the HTTP request that owns the stream.
/// </summary>
internal sealed class EventStream(string? streamId, WireEncoding encoding)
{
    private readonly Channel<IMessage> _events = Channel.CreateUnbounded<IMessage>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>The <c>Mesos-Stream-Id</c> (scheduler streams only).</summary>
    public string? StreamId { get; } = streamId;

    public WireEncoding Encoding { get; } = encoding;

    public ChannelReader<IMessage> Reader => _events.Reader;

    /// <summary>False once closed; events sent after that are dropped (as Mesos drops them for a gone subscriber).</summary>
    public bool IsOpen { get; private set; } = true;

    public void Send(IMessage message)
    {
        if (IsOpen)
        {
            _events.Writer.TryWrite(message);
        }
    }

    /// <summary>Ends the stream after the events already queued.</summary>
    public void Close()
    {
        IsOpen = false;
        _events.Writer.TryComplete();
    }
}
