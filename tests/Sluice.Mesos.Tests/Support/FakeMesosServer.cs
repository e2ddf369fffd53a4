using System.Net;
using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Mesos.RecordIO;

namespace Sluice.Mesos.Tests.Support;

/// <summary>
/// A scripted Mesos master or agent: real Kestrel on 127.0.0.1 (port chosen by the OS), every
/// request recorded and handed to the test's script.
/// </summary>
internal sealed class FakeMesosServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<FakeExchange> _received = Channel.CreateUnbounded<FakeExchange>();

    private FakeMesosServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary><c>http://127.0.0.1:port/</c></summary>
    public Uri BaseUrl { get; }

    /// <summary>Every request, in arrival order (recorded before the script runs).</summary>
    public List<FakeExchange> Requests { get; } = [];

    public static async Task<FakeMesosServer> StartAsync(Func<FakeExchange, Task> script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeMesosServer? server = null;
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var exchange = new FakeExchange(context, body.ToArray(), app.Lifetime.ApplicationStopping);
            lock (server!.Requests)
            {
                server.Requests.Add(exchange);
            }

            server._received.Writer.TryWrite(exchange);
            await script(exchange);
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeMesosServer(app, new Uri(address.TrimEnd('/') + "/"));
        return server;
    }

    /// <summary>The next request to arrive (or already arrived and not yet taken), within the bounded wait.</summary>
    public Task<FakeExchange> NextRequestAsync(string what) =>
        Bounded.WithinAsync(_received.Reader.ReadAsync().AsTask(), what);

    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(deadline.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>One request to the fake server and the means to answer it.</summary>
internal sealed class FakeExchange(HttpContext context, byte[] body, CancellationToken serverStopping)
{
    public HttpContext Context { get; } = context;

    public byte[] Body { get; } = body;

    public string Path { get; } = context.Request.Path.Value ?? "";

    public string? ContentType { get; } = context.Request.ContentType;

    public string? Accept { get; } = context.Request.Headers.Accept.ToString();

    public string? StreamId { get; } = context.Request.Headers.TryGetValue("Mesos-Stream-Id", out var id) ? id.ToString() : null;

    public string? Authorization { get; } = context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null;

    public Proto.Mesos.V1.Scheduler.Call SchedulerCall => Proto.Mesos.V1.Scheduler.Call.Parser.ParseFrom(Body);

    public Proto.Mesos.V1.Executor.Call ExecutorCall => Proto.Mesos.V1.Executor.Call.Parser.ParseFrom(Body);

    public async Task ReplyAsync(int status, string? text = null, string? location = null)
    {
        Context.Response.StatusCode = status;
        if (location is not null)
        {
            Context.Response.Headers.Location = location;
        }

        if (text is not null)
        {
            Context.Response.ContentType = "text/plain";
            await Context.Response.WriteAsync(text);
        }
    }

    /// <summary>Answers 200 with a RecordIO event stream; the request lasts until the stream is closed or the client goes.</summary>
    public async Task<FakeEventStream> OpenStreamAsync(string? streamId, string contentType = "application/x-protobuf")
    {
        Context.Response.StatusCode = 200;
        Context.Response.ContentType = contentType;
        if (streamId is not null)
        {
            Context.Response.Headers["Mesos-Stream-Id"] = streamId;
        }

        await Context.Response.StartAsync();
        await Context.Response.Body.FlushAsync();
        return new FakeEventStream(Context, serverStopping);
    }
}

/// <summary>The server side of an open SUBSCRIBE response.</summary>
internal sealed class FakeEventStream(HttpContext context, CancellationToken serverStopping)
{
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _write = new(1, 1);

    /// <summary>Completes when the test closes the stream, the client disconnects or the server stops.</summary>
    public Task Completion => Task.WhenAny(
        _closed.Task,
        Task.Delay(Timeout.Infinite, context.RequestAborted),
        Task.Delay(Timeout.Infinite, serverStopping));

    public CancellationToken ClientGone => context.RequestAborted;

    public Task SendAsync(IMessage message) => SendRawAsync(RecordIOWriter.Encode(message));

    public async Task SendRawAsync(byte[] bytes)
    {
        await _write.WaitAsync();
        try
        {
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client went away: nothing to send to.
        }
        finally
        {
            _write.Release();
        }
    }

    public void Close() => _closed.TrySetResult();

    /// <summary>Keeps the response open until <see cref="Close"/> or the client disconnects.</summary>
    public Task RunAsync() => Completion;
}
