using System.Threading.Channels;
using Sluice.Mesos.Tests.Support;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Scheduler;

namespace Sluice.Mesos.Tests.Scheduler;

/// <summary>
/// A fake leading master that behaves: SUBSCRIBE opens a stream (id "stream-N") and sends
/// SUBSCRIBED; other calls get 202. Tests change behaviour with <see cref="OnSubscribe"/> and
/// <see cref="OnCall"/>, and drive open streams through <see cref="Streams"/>.
/// </summary>
internal sealed class ScriptedMaster : IAsyncDisposable
{
    public const string FrameworkIdValue = "fw-0001";

    private int _subscriptions;

    private ScriptedMaster(FakeMesosServer server) => Server = server;

    public FakeMesosServer Server { get; }

    public Uri BaseUrl => Server.BaseUrl;

    /// <summary>Heartbeat interval announced in the SUBSCRIBED of the given (1-based) subscription.</summary>
    public Func<int, double> HeartbeatSeconds { get; set; } = _ => 5;

    /// <summary>Replaces the default SUBSCRIBE behaviour for the given (1-based) subscription number.</summary>
    public Func<FakeExchange, int, Task>? OnSubscribe { get; set; }

    /// <summary>Replaces the default 202 for calls.</summary>
    public Func<FakeExchange, Task>? OnCall { get; set; }

    /// <summary>Open streams, in order, after SUBSCRIBED was sent on them.</summary>
    public Channel<FakeEventStream> Streams { get; } = Channel.CreateUnbounded<FakeEventStream>();

    public IEnumerable<Call> Subscribes => Snapshot().Where(e => e.SchedulerCall.Type == Call.Types.Type.Subscribe).Select(e => e.SchedulerCall);

    public IEnumerable<FakeExchange> Calls => Snapshot().Where(e => e.SchedulerCall.Type != Call.Types.Type.Subscribe);

    public static async Task<ScriptedMaster> StartAsync()
    {
        ScriptedMaster? master = null;
        var server = await FakeMesosServer.StartAsync(exchange => master!.HandleAsync(exchange));
        master = new ScriptedMaster(server);
        return master;
    }

    public static Event Subscribed(double heartbeatSeconds) => new()
    {
        Type = Event.Types.Type.Subscribed,
        Subscribed = new Event.Types.Subscribed { FrameworkId = new FrameworkID { Value = FrameworkIdValue }, HeartbeatIntervalSeconds = heartbeatSeconds },
    };

    public static Event Heartbeat => new() { Type = Event.Types.Type.Heartbeat };

    public Task<FakeEventStream> NextStreamAsync(string what) => Bounded.WithinAsync(Streams.Reader.ReadAsync().AsTask(), what);

    /// <summary>The default SUBSCRIBE behaviour: open stream-N, send SUBSCRIBED, publish the stream, keep it open.</summary>
    public async Task AcceptSubscribeAsync(FakeExchange exchange, int number)
    {
        var stream = await exchange.OpenStreamAsync($"stream-{number}");
        await stream.SendAsync(Subscribed(HeartbeatSeconds(number)));
        Streams.Writer.TryWrite(stream);
        await stream.RunAsync();
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private List<FakeExchange> Snapshot()
    {
        lock (Server.Requests)
        {
            return [.. Server.Requests];
        }
    }

    private Task HandleAsync(FakeExchange exchange)
    {
        if (exchange.SchedulerCall.Type == Call.Types.Type.Subscribe)
        {
            int number = Interlocked.Increment(ref _subscriptions);
            return OnSubscribe is { } custom ? custom(exchange, number) : AcceptSubscribeAsync(exchange, number);
        }

        return OnCall is { } onCall ? onCall(exchange) : exchange.ReplyAsync(202);
    }
}
