using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Sluice.Dashboard.Tests.World;

/// <summary>
/// The real scheduler's dashboard files in front of a scripted REST API: one consumer, <c>orders</c>, halfway through a
/// blue/green deployment from v1 to v2 (4 running tasks, 24 partitions, 12 on each version, offsets growing with time,
/// lag on some partitions) and waiting for promotion. It stands in for what needs Mesos, Kafka and the deployment
/// engine (tasks, ownership, deployments) so the grid, charts and deployment panel are tested; the deployment shapes follow the
/// contract in docs/dashboard.md. The files (and their headers, the CSP among them) are fetched from a real
/// <see cref="DashboardScheduler"/>. Deployment actions are recorded in <see cref="Actions"/>.
/// </summary>
public sealed class ScriptedApiWorld : IDashboardWorld, IAsyncLifetime
{
    public const string Consumer = "orders";
    public const string DeploymentId = "dep-7f3a";
    private const int Partitions = 24;

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly Lock _gate = new();
    private Channel<(string Type, string Data)>[] _subscribers = [];
    private string _status = "waitingForPromotion";
    private int _step = 1;
    private DashboardScheduler? _scheduler;
    private WebApplication? _app;
    private HttpClient? _files;
    private HttpClient? _api;

    public Uri Scheduler { get; private set; } = null!;

    public string ApiToken { get; } = "scripted-" + Guid.NewGuid().ToString("N")[..12];

    public HttpClient Api => _api ?? throw new InvalidOperationException("The world is not started.");

    /// <summary>Deployment actions the page sent: "promote" etc., with the Authorization header it carried.</summary>
    public ConcurrentQueue<(string Action, string? Authorization)> Actions { get; } = new();

    public async Task InitializeAsync()
    {
        _scheduler = await DashboardScheduler.StartAsync(ApiToken);
        _files = new HttpClient { BaseAddress = _scheduler.Rest, Timeout = TimeSpan.FromSeconds(10) };

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapGet("/", ForwardFile);
        _app.MapGet("/dashboard/{file}", ForwardFile);
        _app.MapGet("/api/v1/consumers", () => TypedResults.Text(new JsonArray(new JsonObject
        {
            ["name"] = Consumer, ["topics"] = new JsonArray("orders"), ["instances"] = 4, ["activeVersion"] = "v1",
        }).ToJsonString(), "application/json"));
        _app.MapGet($"/api/v1/consumers/{Consumer}/status", () => TypedResults.Text(Status().ToJsonString(), "application/json"));
        _app.MapGet($"/api/v1/consumers/{Consumer}/deployments", () => TypedResults.Text(new JsonArray(Deployment()).ToJsonString(), "application/json"));
        _app.MapPost($"/api/v1/consumers/{Consumer}/deployments/{{id}}/{{action}}", DeploymentAction);
        _app.MapGet("/api/v1/events", (CancellationToken cancellationToken) => TypedResults.ServerSentEvents(Events(cancellationToken)));
        await _app.StartAsync();
        Scheduler = new Uri(_app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        _api = new HttpClient { BaseAddress = Scheduler, Timeout = TimeSpan.FromSeconds(10) };
        _api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
    }

    /// <summary>Sends an event to every open event stream, as the engine would.</summary>
    public void Publish(string type, string? message = null)
    {
        var data = new JsonObject { ["sequence"] = 1, ["type"] = type, ["consumer"] = Consumer, ["time"] = DateTimeOffset.UtcNow, ["message"] = message };
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Writer.TryWrite((type, data.ToJsonString()));
        }
    }

    private async Task ForwardFile(HttpContext context)
    {
        using var response = await _files!.GetAsync(context.Request.Path.ToString(), context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (name is not ("Transfer-Encoding" or "Content-Length" or "Date" or "Server"))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private JsonObject Status()
    {
        var seconds = _clock.Elapsed.TotalSeconds;
        JsonObject Task(string id, string version, string agent) => new()
        {
            ["taskId"] = id, ["version"] = version, ["agentId"] = agent, ["mesosState"] = "running", ["controlPlaneState"] = "ready", ["connected"] = true,
        };
        var tasks = new JsonArray(
            Task("orders.v1.a1c2", "v1", "agent-1"), Task("orders.v1.b7e9", "v1", "agent-2"),
            Task("orders.v2.c3d4", "v2", "agent-3"), Task("orders.v2.d5f6", "v2", "agent-4"));
        var partitions = new JsonArray();
        for (var p = 0; p < Partitions; p++)
        {
            // v2 owns the even partitions; lag rises and falls on a few partitions so the shading varies.
            var owner = p % 2 == 0 ? (p % 4 == 0 ? "orders.v2.c3d4" : "orders.v2.d5f6") : (p % 4 == 1 ? "orders.v1.a1c2" : "orders.v1.b7e9");
            var rate = 40 + 3 * p;
            var lag = p % 5 == 0 ? (long)(2000 * (1 + Math.Sin(seconds / 3 + p))) : p % 3 == 0 ? 40 : 0;
            partitions.Add(new JsonObject
            {
                ["topic"] = "orders", ["partition"] = p, ["owner"] = owner, ["epoch"] = p % 2 == 0 ? 2 : 1,
                ["state"] = p == 23 ? "releasing" : "owned", ["startOffset"] = 10_000L * p,
                ["committedOffset"] = 10_000L * p + (long)(rate * seconds), ["lag"] = lag,
            });
        }
        return new JsonObject
        {
            ["name"] = Consumer, ["topics"] = new JsonArray("orders"), ["activeVersion"] = "v1", ["desiredInstances"] = 4, ["runningTasks"] = 4,
            ["tasks"] = tasks, ["partitions"] = partitions, ["operations"] = new JsonArray(),
        };
    }

    private JsonObject Deployment()
    {
        lock (_gate)
        {
            return new JsonObject
            {
                ["id"] = DeploymentId, ["consumer"] = Consumer, ["fromVersion"] = "v1", ["toVersion"] = "v2", ["status"] = _status,
                ["step"] = _step, ["steps"] = new JsonArray(10, 50, 100), ["bakeSeconds"] = 60, ["autoPromote"] = false,
                ["partitions"] = new JsonObject { ["v1"] = 12, ["v2"] = 12 },
                ["gates"] = new JsonArray(
                    new JsonObject { ["name"] = "maxLag", ["threshold"] = 5000, ["value"] = 1234, ["passed"] = true },
                    new JsonObject { ["name"] = "maxErrorRate", ["threshold"] = 0.01, ["value"] = 0.002, ["passed"] = true },
                    new JsonObject { ["name"] = "allTasksHealthy", ["threshold"] = 1, ["value"] = null, ["passed"] = null }),
                ["message"] = _status == "waitingForPromotion" ? "Step 2 baked; waiting for promotion." : "Moving partitions to v2.",
                ["createdAt"] = _started, ["updatedAt"] = DateTimeOffset.UtcNow,
            };
        }
    }

    private IResult DeploymentAction(string id, string action, HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        Actions.Enqueue((action, authorization));
        if (authorization != "Bearer " + ApiToken)
        {
            return TypedResults.Problem(statusCode: 401, title: "Unauthorized", detail: "This scheduler requires 'Authorization: Bearer <token>'.");
        }
        if (id != DeploymentId)
        {
            return TypedResults.Problem(statusCode: 404, title: "Deployment not found", detail: $"No deployment '{id}'.");
        }
        lock (_gate)
        {
            (_status, _step) = action switch
            {
                "promote" => ("inProgress", 2),
                "pause" => ("paused", _step),
                "resume" => ("inProgress", _step),
                "rollback" => ("rollingBack", _step),
                _ => ("aborted", _step),
            };
        }
        Publish("deployment." + action, $"{action} of {id}");
        return TypedResults.Accepted($"/api/v1/consumers/{Consumer}/deployments/{id}");
    }

    private async IAsyncEnumerable<SseItem<string>> Events([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<(string Type, string Data)>();
        lock (_gate) Volatile.Write(ref _subscribers, [.. _subscribers, channel]);
        try
        {
            yield return new SseItem<string>("{\"sequence\":0,\"type\":\"stream.opened\"}", "stream.opened");
            await foreach (var (type, data) in channel.Reader.ReadAllAsync(cancellationToken))
            {
                _log.Enqueue($"event {type}");
                yield return new SseItem<string>(data, type);
            }
        }
        finally
        {
            lock (_gate) Volatile.Write(ref _subscribers, [.. _subscribers.Where(c => c != channel)]);
        }
    }

    public string Diagnostics() =>
        $"scripted API at {Scheduler}: {string.Join(", ", _log.TakeLast(20))}{Environment.NewLine}{_scheduler?.Output}";

    public async Task DisposeAsync()
    {
        _api?.Dispose();
        _files?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        if (_scheduler is not null)
        {
            await _scheduler.DisposeAsync();
        }
    }
}
