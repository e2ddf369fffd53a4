using System.Threading.Channels;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Proto.ControlPlane.V1;
using Sluice.Testing;

namespace Sluice.Executor.Tests.ControlPlane;

/// <summary>
/// A real gRPC server on loopback (Kestrel, HTTP/2 without TLS) whose control-plane streams the
/// test drives by hand: each executor stream becomes a <see cref="ScriptedSession"/>.
/// </summary>
internal sealed class ScriptedControlPlane : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScriptedControlPlane(WebApplication app, Channel<ScriptedSession> sessions)
    {
        _app = app;
        Sessions = sessions;
    }

    public Channel<ScriptedSession> Sessions { get; }

    /// <summary>When set, every stream is refused as a standby would, naming this leader.</summary>
    public string? RedirectTo { get; set; }

    public string Address => new Uri(_app.Urls.First()).Authority;

    public static async Task<ScriptedControlPlane> StartAsync()
    {
        var sessions = Channel.CreateUnbounded<ScriptedSession>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(sessions);
        builder.Services.AddSingleton<Holder>();
        var app = builder.Build();
        app.MapGrpcService<Service>();
        await app.StartAsync();
        var server = new ScriptedControlPlane(app, sessions);
        app.Services.GetRequiredService<Holder>().Server = server;
        return server;
    }

    public async Task<ScriptedSession> NextSessionAsync(TimeSpan? timeout = null) =>
        await Eventually.WithinAsync(Sessions.Reader.ReadAsync().AsTask(), timeout ?? TimeSpan.FromSeconds(15), "an executor opens a control-plane stream");

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private sealed class Holder
    {
        public ScriptedControlPlane? Server { get; set; }
    }

    private sealed class Service(Channel<ScriptedSession> sessions, Holder holder) : Proto.ControlPlane.V1.ControlPlane.ControlPlaneBase
    {
        public override async Task Connect(IAsyncStreamReader<ExecutorMessage> requestStream, IServerStreamWriter<SchedulerMessage> responseStream, ServerCallContext context)
        {
            if (holder.Server?.RedirectTo is { } leader)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "standby"), new Metadata { { "sluice-leader-address", leader } });
            }
            var session = new ScriptedSession(requestStream, responseStream, context.CancellationToken);
            await sessions.Writer.WriteAsync(session);
            await session.RunAsync();
        }
    }
}

/// <summary>One executor stream as the test sees it.</summary>
internal sealed class ScriptedSession
{
    private readonly IServerStreamWriter<SchedulerMessage> _responses;
    private readonly CancellationToken _callEnded;
    private readonly Channel<ExecutorMessage> _received = Channel.CreateUnbounded<ExecutorMessage>();
    private readonly TaskCompletionSource _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IAsyncStreamReader<ExecutorMessage> _requests;

    public ScriptedSession(IAsyncStreamReader<ExecutorMessage> requests, IServerStreamWriter<SchedulerMessage> responses, CancellationToken callEnded)
    {
        _requests = requests;
        _responses = responses;
        _callEnded = callEnded;
    }

    internal async Task RunAsync()
    {
        var pump = Task.Run(async () =>
        {
            try
            {
                while (await _requests.MoveNext(_callEnded))
                {
                    await _received.Writer.WriteAsync(_requests.Current);
                }
            }
            catch (Exception) when (_callEnded.IsCancellationRequested || _end.Task.IsCompleted)
            {
            }
            finally
            {
                _received.Writer.TryComplete();
            }
        });
        await Task.WhenAny(_end.Task, Task.Delay(Timeout.Infinite, _callEnded).ContinueWith(_ => { }));
        _ = pump;
    }

    public Task SendAsync(SchedulerMessage message) => _responses.WriteAsync(message);

    /// <summary>Ends the stream from the scheduler's side.</summary>
    public void End() => _end.TrySetResult();

    /// <summary>The next message of the given kind, skipping Progress unless asked for.</summary>
    public async Task<ExecutorMessage> ReceiveAsync(ExecutorMessage.BodyOneofCase kind, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        try
        {
            while (true)
            {
                var message = await _received.Reader.ReadAsync(cts.Token);
                if (message.BodyCase == kind)
                {
                    return message;
                }
                if (message.BodyCase != ExecutorMessage.BodyOneofCase.Progress)
                {
                    throw new InvalidOperationException($"expected {kind}, got {message.BodyCase}: {message}");
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no {kind} from the executor within {(timeout ?? TimeSpan.FromSeconds(15)).TotalSeconds} s");
        }
    }
}
