using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Sluice.Cli.Tests.Deployments;

/// <summary>
/// A stand-in for the scheduler's deployment endpoints (their contract, issue 10) on a real Kestrel at 127.0.0.1:0,
/// with <see cref="ScriptedDeployment"/>s. Also: a canned <c>status</c> with tasks and partitions, a 500 at
/// <c>/api/v1/consumers/boom</c>, a standby under <c>/standby/…</c> that answers 307 to the same path without it, and
/// scale operations that go pending → running → succeeded (failed for a consumer named <c>failing…</c>), a stage a read.
/// </summary>
internal sealed class DeploymentApiStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<ScriptedDeployment>> _byConsumer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Consumer, int Instances, int Reads)> _operations = new(StringComparer.Ordinal);
    private int _created;

    private DeploymentApiStandIn(WebApplication app) => _app = app;

    public string Api => _app.Urls.First();

    /// <summary>Bodies of <c>POST …/deployments</c>, by consumer.</summary>
    public ConcurrentDictionary<string, JsonObject> Requests { get; } = new(StringComparer.Ordinal);

    /// <summary>The Authorization header of every request that reached an endpoint.</summary>
    public ConcurrentQueue<string?> Authorizations { get; } = new();

    public static async Task<DeploymentApiStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var standIn = new DeploymentApiStandIn(app);
        standIn.Map(app);
        await app.StartAsync();
        return standIn;
    }

    private void Map(WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/standby", out var rest))
            {
                context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
                context.Response.Headers.Location = rest.ToString();
                return Task.CompletedTask;
            }
            Authorizations.Enqueue(context.Request.Headers.Authorization.FirstOrDefault());
            return next(context);
        });
        var consumers = app.MapGroup("/api/v1/consumers");
        consumers.MapGet("/boom", () => Results.Problem(statusCode: 500, title: "Internal error", detail: "An unexpected error occurred; see the scheduler's log."));
        consumers.MapGet("/{name}/status", (string name) => Results.Json(CannedStatus(name)));
        consumers.MapPost("/{name}/scale", async (string name, HttpRequest request) =>
        {
            var instances = (await JsonNode.ParseAsync(request.Body))!["instances"]!.GetValue<int>();
            lock (_gate)
            {
                var id = $"op-{_operations.Count + 1}";
                _operations[id] = (name, instances, 0);
                return Results.Accepted($"/api/v1/operations/{id}", Operation(id));
            }
        });
        app.MapGet("/api/v1/operations/{id}", (string id) =>
        {
            lock (_gate)
            {
                var (consumer, instances, reads) = _operations[id];
                _operations[id] = (consumer, instances, reads + 1);
                return Results.Json(Operation(id));
            }
        });
        consumers.MapGet("/{name}/deployments", (string name) =>
        {
            lock (_gate) return Results.Json(DeploymentsOf(name).Select(d => d.ToDocument()).ToArray());
        });
        consumers.MapPost("/{name}/deployments", async (string name, HttpRequest request) =>
        {
            if (await JsonNode.ParseAsync(request.Body) is not JsonObject body || body["version"] is not JsonObject version
                || version["version"]?.GetValue<string>() is not { } toVersion)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["version.version"] = ["version.version is required"] }, title: "Invalid request");
            }
            Requests[name] = body;
            var strategy = body["strategy"] as JsonObject;
            lock (_gate)
            {
                var list = DeploymentsOf(name);
                if (list.FirstOrDefault(d => !d.IsFinished) is { } active)
                {
                    return Results.Problem(statusCode: 409, title: "Conflict", detail: $"Deployment {active.Id} of '{name}' is {active.Status}; wait for it to end or roll it back.");
                }
                var deployment = new ScriptedDeployment(
                    $"dep-{++_created}",
                    name,
                    toVersion,
                    strategy?["steps"]?.AsArray().Select(s => s!.GetValue<int>()).ToArray() ?? [10, 50, 100],
                    strategy?["bakeSeconds"]?.GetValue<int>() ?? 30,
                    strategy?["autoPromote"]?.GetValue<bool>() ?? true,
                    DateTimeOffset.UnixEpoch.AddMinutes(_created));
                list.Add(deployment);
                return Results.Accepted($"/api/v1/consumers/{name}/deployments/{deployment.Id}", deployment.ToDocument());
            }
        });
        consumers.MapGet("/{name}/deployments/{id}", (string name, string id) =>
        {
            lock (_gate)
            {
                if (DeploymentsOf(name).FirstOrDefault(d => d.Id == id) is not { } deployment)
                {
                    return NotFound(id);
                }
                deployment.Advance();
                return Results.Json(deployment.ToDocument());
            }
        });
        consumers.MapPost("/{name}/deployments/{id}/{action}", (string name, string id, string action) =>
        {
            lock (_gate)
            {
                if (DeploymentsOf(name).FirstOrDefault(d => d.Id == id) is not { } deployment)
                {
                    return NotFound(id);
                }
                return deployment.TryApply(action)
                    ? Results.Json(deployment.ToDocument(), statusCode: StatusCodes.Status202Accepted)
                    : Results.Problem(statusCode: 409, title: "Conflict", detail: $"Cannot {action} deployment {id} while it is {deployment.Status}.");
            }
        });
    }

    private object Operation(string id)
    {
        var (consumer, instances, reads) = _operations[id];
        var status = reads switch
        {
            0 => "pending",
            1 => "running",
            _ => consumer.StartsWith("failing", StringComparison.Ordinal) ? "failed" : "succeeded",
        };
        return new
        {
            id, kind = "scale", consumer, status, createdAt = DateTimeOffset.UnixEpoch, updatedAt = DateTimeOffset.UnixEpoch.AddSeconds(reads),
            message = status == "failed" ? "no offers fit: cpus 0.5 wanted" : null, instances, href = "/api/v1/operations/" + id,
        };
    }

    private List<ScriptedDeployment> DeploymentsOf(string consumer)
    {
        if (!_byConsumer.TryGetValue(consumer, out var list))
        {
            _byConsumer[consumer] = list = [];
        }
        return list;
    }

    private static IResult NotFound(string id) =>
        Results.Problem(statusCode: 404, title: "Deployment not found", detail: $"No deployment '{id}'.");

    /// <summary>Two tasks of v1 and one of v2 owning 6 partitions, one of them unowned and one without a lag reading.</summary>
    private static object CannedStatus(string name)
    {
        object Partition(int p, string? owner, long? lag) => new
        {
            topic = "orders", partition = p, owner, epoch = 3L, state = owner is null ? "free" : "owned",
            startOffset = 100L, committedOffset = lag is null ? (long?)null : 1000L + p, lag,
        };
        return new
        {
            name,
            topics = new[] { "orders" },
            activeVersion = "v1",
            desiredInstances = 3,
            runningTasks = 3,
            tasks = new[]
            {
                new { taskId = "task-a", version = "v1", agentId = "agent-1", mesosState = "running", controlPlaneState = "connected", connected = true },
                new { taskId = "task-b", version = "v1", agentId = "agent-2", mesosState = "running", controlPlaneState = "connected", connected = true },
                new { taskId = "task-c", version = "v2", agentId = "agent-1", mesosState = "running", controlPlaneState = "connected", connected = true },
            },
            partitions = new[]
            {
                Partition(0, "task-a", 10), Partition(1, "task-a", 20), Partition(2, "task-b", 30),
                Partition(3, "task-c", 400), Partition(4, "task-c", null), Partition(5, null, null),
            },
            operations = Array.Empty<object>(),
        };
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
