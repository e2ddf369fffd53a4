using System.Threading.Channels;
using Sluice.Mesos.Tests.Support;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Executor;

namespace Sluice.Mesos.Tests.Executor;

/// <summary>
/// A fake agent: SUBSCRIBE opens an event stream and sends SUBSCRIBED; UPDATE and MESSAGE get
/// 202. Tests drive open streams through <see cref="NextStreamAsync"/>.
/// </summary>
internal sealed class ScriptedAgent : IAsyncDisposable
{
    public const string AgentIdValue = "agent-S7";

    private ScriptedAgent(FakeMesosServer server) => Server = server;

    public FakeMesosServer Server { get; }

    public Channel<FakeEventStream> Streams { get; } = Channel.CreateUnbounded<FakeEventStream>();

    public IEnumerable<Call> Calls
    {
        get
        {
            lock (Server.Requests)
            {
                return [.. Server.Requests.Select(r => r.ExecutorCall)];
            }
        }
    }

    public IEnumerable<Call> Subscribes => Calls.Where(c => c.Type == Call.Types.Type.Subscribe);

    public IEnumerable<Call> Updates => Calls.Where(c => c.Type == Call.Types.Type.Update);

    public static async Task<ScriptedAgent> StartAsync()
    {
        ScriptedAgent? agent = null;
        var server = await FakeMesosServer.StartAsync(exchange => agent!.HandleAsync(exchange));
        agent = new ScriptedAgent(server);
        return agent;
    }

    public Task<FakeEventStream> NextStreamAsync(string what) => Bounded.WithinAsync(Streams.Reader.ReadAsync().AsTask(), what);

    public static Event Subscribed() => new()
    {
        Type = Event.Types.Type.Subscribed,
        Subscribed = new Event.Types.Subscribed
        {
            ExecutorInfo = new ExecutorInfo { ExecutorId = new ExecutorID { Value = "exec-1" } },
            FrameworkInfo = new FrameworkInfo { User = "", Name = "sluice", Id = new FrameworkID { Value = "fw-1" } },
            AgentInfo = new AgentInfo { Hostname = "agent-7", Id = new AgentID { Value = AgentIdValue } },
        },
    };

    public static Event Launch(string taskId) => new()
    {
        Type = Event.Types.Type.Launch,
        Launch = new Event.Types.Launch
        {
            Task = new TaskInfo { Name = taskId, TaskId = new TaskID { Value = taskId }, AgentId = new AgentID { Value = AgentIdValue } },
        },
    };

    public static Event Acknowledged(TaskID taskId, Google.Protobuf.ByteString uuid) => new()
    {
        Type = Event.Types.Type.Acknowledged,
        Acknowledged = new Event.Types.Acknowledged { TaskId = taskId, Uuid = uuid },
    };

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private async Task HandleAsync(FakeExchange exchange)
    {
        if (exchange.ExecutorCall.Type != Call.Types.Type.Subscribe)
        {
            await exchange.ReplyAsync(202);
            return;
        }

        var stream = await exchange.OpenStreamAsync(streamId: null);
        await stream.SendAsync(Subscribed());
        Streams.Writer.TryWrite(stream);
        await stream.RunAsync();
    }
}
