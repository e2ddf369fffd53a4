using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Api;

/// <summary>
/// The scheduler's REST API (issue 8): <c>/health</c>, <c>/api/v1/…</c> and the OpenAPI document. The host calls, in
/// this order, <c>services.AddSluiceApi(o =&gt; o.ApiToken = …)</c>, <c>app.UseSluiceApi()</c> and
/// <c>app.MapSluiceApi()</c>, and registers <see cref="IStateStore"/>, <see cref="IConsumerChangeSink"/> and
/// <see cref="IApiLeadership"/> (default: <see cref="SoleApiLeader"/>), optionally <see cref="ExecutorRegistry"/>
/// for live offsets and lag in the status.
/// </summary>
internal static class SluiceApi
{
    /// <exception cref="InvalidOperationException">A service the API needs is not registered.</exception>
    public static IEndpointRouteBuilder MapSluiceApi(this IEndpointRouteBuilder endpoints)
    {
        RequireServices(endpoints.ServiceProvider);
        endpoints.MapGet("/health", Health).WithName("GetHealth").WithTags("Health");

        var api = endpoints.MapGroup("/api/v1").AddEndpointFilter<BearerTokenFilter>();
        var consumers = api.MapGroup("/consumers").WithTags("Consumers");
        consumers.MapGet("/", ListConsumers).WithName("ListConsumers");
        consumers.MapGet("/{name}", GetConsumer).WithName("GetConsumer");
        consumers.MapPut("/{name}", PutConsumer).WithName("PutConsumer")
            .Accepts<ConsumerSpecRequest>("application/json")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        consumers.MapDelete("/{name}", DeleteConsumer).WithName("DeleteConsumer").ProducesProblem(StatusCodes.Status401Unauthorized);
        consumers.MapPost("/{name}/scale", Scale).WithName("ScaleConsumer")
            .Accepts<ScaleRequest>("application/json")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        consumers.MapGet("/{name}/status", Status).WithName("GetConsumerStatus");
        consumers.MapDeployments();
        api.MapGet("/operations/{id}", GetOperation).WithName("GetOperation").WithTags("Operations");
        api.MapGet("/events", Events).WithName("GetEvents").WithTags("Events");

        endpoints.MapOpenApi();
        return endpoints;
    }

    private static void RequireServices(IServiceProvider services)
    {
        var isService = services.GetRequiredService<IServiceProviderIsService>();
        var missing = new[] { typeof(IStateStore), typeof(IConsumerChangeSink), typeof(OperationTracker), typeof(ApiToken) }
            .Where(t => !isService.IsService(t))
            .Select(t => t.Name)
            .ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException(
                $"MapSluiceApi needs {string.Join(", ", missing)} registered (AddSluiceApi registers the API's own services; the host registers IStateStore and IConsumerChangeSink).");
        }
    }

    internal static Ok<HealthResponse> Health([FromServices] IApiLeadership leadership) => TypedResults.Ok(new HealthResponse("healthy", leadership.IsLeader));

    internal static async Task<Ok<ConsumerSummary[]>> ListConsumers([FromServices] IStateStore store, CancellationToken cancellationToken)
    {
        var names = await store.ListConsumersAsync(cancellationToken);
        var summaries = new List<ConsumerSummary>(names.Count);
        foreach (var name in names)
        {
            // A consumer deleted between the listing and the read is simply left out.
            if (await store.GetConsumerAsync(name, cancellationToken) is { } record)
            {
                summaries.Add(ConsumerSpecMapping.ToSummary(record.Value));
            }
        }
        return TypedResults.Ok(summaries.ToArray());
    }

    internal static async Task<Results<Ok<ConsumerResponse>, ValidationProblem, ProblemHttpResult>> GetConsumer(string name, [FromServices] IStateStore store, CancellationToken cancellationToken)
    {
        if (!ApiValidation.IsConsumerName(name))
        {
            return ApiProblems.InvalidName("name", name);
        }
        var record = await store.GetConsumerAsync(name, cancellationToken);
        return record is null ? ApiProblems.ConsumerNotFound(name) : TypedResults.Ok(ConsumerSpecMapping.ToResponse(record.Value, record.Version));
    }

    internal static async Task<Results<Created<ConsumerResponse>, Ok<ConsumerResponse>, ValidationProblem, ProblemHttpResult>> PutConsumer(
        string name, HttpRequest request, [AsParameters] ApiServices s, CancellationToken cancellationToken)
    {
        if (!ApiValidation.IsConsumerName(name))
        {
            return ApiProblems.InvalidName("name", name);
        }
        var (body, problem) = await ApiJson.ReadAsync<ConsumerSpecRequest>(request, s.MaxBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        for (var attempt = 1; ; attempt++)
        {
            var existing = await s.Store.GetConsumerAsync(name, cancellationToken);
            var errors = new ApiValidation.Errors();
            var spec = ConsumerSpecMapping.TryMap(name, body!, existing?.Value.Spec, errors);
            if (spec is null)
            {
                return ApiProblems.Invalid(errors);
            }
            Versioned<ConsumerRecord> saved;
            try
            {
                saved = await s.Store.PutConsumerAsync(new ConsumerRecord(spec, existing?.Value.Tasks ?? []), existing?.Version ?? StateVersion.New, cancellationToken);
            }
            catch (StateConflictException) when (attempt < ApiServices.WriteAttempts)
            {
                continue;
            }
            catch (StateConflictException)
            {
                return ApiProblems.Conflict($"Consumer '{name}' was changed concurrently {attempt} times; retry.");
            }
            var change = existing is null ? ConsumerChange.Created : ConsumerChange.Replaced;
            s.Events.Publish("consumer." + ApiNames.Of(change), name, null, new Dictionary<string, string>
            {
                ["instances"] = spec.DesiredInstances.ToString(CultureInfo.InvariantCulture),
                ["version"] = spec.ActiveVersion,
            });
            s.Sink.ConsumerChanged(name, change);
            var response = ConsumerSpecMapping.ToResponse(saved.Value, saved.Version);
            return existing is null ? TypedResults.Created("/api/v1/consumers/" + name, response) : TypedResults.Ok(response);
        }
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteConsumer(string name, [AsParameters] ApiServices s, CancellationToken cancellationToken)
    {
        if (!ApiValidation.IsConsumerName(name))
        {
            return ApiProblems.InvalidName("name", name);
        }
        for (var attempt = 1; ; attempt++)
        {
            var existing = await s.Store.GetConsumerAsync(name, cancellationToken);
            if (existing is null)
            {
                return ApiProblems.ConsumerNotFound(name);
            }
            try
            {
                await s.Store.DeleteConsumerAsync(name, existing.Version, cancellationToken);
            }
            catch (StateConflictException) when (attempt < ApiServices.WriteAttempts)
            {
                continue;
            }
            catch (StateConflictException)
            {
                return ApiProblems.Conflict($"Consumer '{name}' was changed concurrently {attempt} times; retry.");
            }
            s.Operations.FailActive(name, "The consumer was deleted.");
            s.Events.Publish("consumer." + ApiNames.Of(ConsumerChange.Deleted), name);
            s.Sink.ConsumerChanged(name, ConsumerChange.Deleted);
            return TypedResults.NoContent();
        }
    }

    internal static async Task<Results<Accepted<OperationResponse>, ValidationProblem, ProblemHttpResult>> Scale(
        string name, HttpRequest request, [AsParameters] ApiServices s, CancellationToken cancellationToken)
    {
        if (!ApiValidation.IsConsumerName(name))
        {
            return ApiProblems.InvalidName("name", name);
        }
        var (body, problem) = await ApiJson.ReadAsync<ScaleRequest>(request, s.MaxBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var errors = new ApiValidation.Errors();
        ApiValidation.Instances(errors, "instances", body!.Instances);
        if (errors.Any)
        {
            return ApiProblems.Invalid(errors);
        }
        var instances = body.Instances!.Value;
        if (await s.Store.GetConsumerAsync(name, cancellationToken) is null)
        {
            return ApiProblems.ConsumerNotFound(name);
        }
        if (!s.Operations.TryStart(OperationKind.Scale, name, instances, out var operation, out var active))
        {
            return ApiProblems.Conflict($"Operation {active!.Id} ({ApiNames.Of(active.Kind)} to {active.TargetInstances}) is {ApiNames.Of(active.Status)} for consumer '{name}'; wait for it to finish ({OperationResponse.From(active).Href}).");
        }
        var persisted = false;
        try
        {
            for (var attempt = 1; !persisted; attempt++)
            {
                var existing = await s.Store.GetConsumerAsync(name, cancellationToken);
                if (existing is null)
                {
                    return ApiProblems.ConsumerNotFound(name);
                }
                try
                {
                    var scaled = existing.Value with { Spec = existing.Value.Spec with { DesiredInstances = instances } };
                    await s.Store.PutConsumerAsync(scaled, existing.Version, cancellationToken);
                    persisted = true;
                }
                catch (StateConflictException) when (attempt < ApiServices.WriteAttempts)
                {
                }
                catch (StateConflictException)
                {
                    return ApiProblems.Conflict($"Consumer '{name}' was changed concurrently {attempt} times; retry.");
                }
            }
        }
        finally
        {
            if (!persisted)
            {
                s.Operations.Discard(operation.Id);
            }
        }
        s.Operations.Announce(operation);
        s.Sink.ScaleRequested(name, instances, operation.Id);
        var response = OperationResponse.From(operation);
        return TypedResults.Accepted(response.Href, response);
    }

    internal static Results<Ok<OperationResponse>, ProblemHttpResult> GetOperation(string id, [FromServices] OperationTracker operations) =>
        operations.Find(id) is { } operation
            ? TypedResults.Ok(OperationResponse.From(operation))
            : ApiProblems.Create(StatusCodes.Status404NotFound, "Operation not found", $"No operation '{ApiJson.Truncate(id, 64)}' (operations are kept in memory until the scheduler restarts).");

    internal static async Task<Results<Ok<ConsumerStatusResponse>, ValidationProblem, ProblemHttpResult>> Status(
        string name, [FromServices] IStateStore store, [FromServices] OperationTracker operations, HttpContext context, CancellationToken cancellationToken)
    {
        if (!ApiValidation.IsConsumerName(name))
        {
            return ApiProblems.InvalidName("name", name);
        }
        var record = await store.GetConsumerAsync(name, cancellationToken);
        if (record is null)
        {
            return ApiProblems.ConsumerNotFound(name);
        }
        var ownership = (await store.GetOwnershipAsync(name, cancellationToken))?.Value ?? OwnershipTable.Empty;
        var registry = context.RequestServices.GetService<ExecutorRegistry>();
        var spec = record.Value.Spec;
        var tasks = record.Value.Tasks
            .Select(t => new TaskStatusResponse(t.TaskId, t.VersionId, t.AgentId, ApiNames.Of(t.MesosState), ApiNames.Of(t.ControlPlaneState), registry?.IsConnected(t.TaskId) ?? false))
            .ToArray();
        var partitions = ownership.Partitions
            .OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition)
            .Select(p =>
            {
                var progress = p.OwnerTaskId is null ? null
                    : registry?.Find(p.OwnerTaskId)?.LatestProgress?.Partitions.FirstOrDefault(x => x.Topic == p.Topic && x.Partition == p.Partition);
                return new PartitionStatusResponse(p.Topic, p.Partition, p.OwnerTaskId, p.Epoch, ApiNames.Of(p.State), p.StartOffset,
                    progress is null || progress.CommittedOffset < 0 ? null : progress.CommittedOffset,
                    progress is null || progress.Lag < 0 ? null : progress.Lag);
            })
            .ToArray();
        return TypedResults.Ok(new ConsumerStatusResponse(
            spec.Name,
            spec.Topics,
            spec.ActiveVersion,
            spec.DesiredInstances,
            record.Value.Tasks.Count(t => t.MesosState == MesosTaskState.Running),
            tasks,
            partitions,
            [.. operations.ForConsumer(name).Select(OperationResponse.From)]));
    }

    internal static ServerSentEventsResult<SchedulerEvent> Events([FromServices] SchedulerEvents hub, [FromServices] IOptions<SluiceApiOptions> options, [FromServices] TimeProvider time, CancellationToken cancellationToken)
    {
        // Subscribe now, not when the stream is first read, so nothing published after this request is missed.
        var subscription = hub.Subscribe();
        return TypedResults.ServerSentEvents(Stream(subscription, options.Value.EventKeepAlive, time, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<SchedulerEvent>> Stream(
        SchedulerEvents.Subscription subscription, TimeSpan keepAlive, TimeProvider time, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var _ = subscription;
        // A first event flushes the headers and tells the client it is subscribed.
        yield return Item(new SchedulerEvent(0, "stream.opened", null, time.GetUtcNow(), null, null));
        var reader = subscription.Reader;
        Task<bool>? waiting = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            while (reader.TryRead(out var e))
            {
                yield return Item(e);
            }
            waiting ??= reader.WaitToReadAsync(cancellationToken).AsTask();
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(keepAlive, time, timer.Token);
            var first = await Task.WhenAny(waiting, delay);
            await timer.CancelAsync();
            if (first == waiting)
            {
                if (waiting.IsCanceled || waiting.IsFaulted || !waiting.Result)
                {
                    yield break;
                }
                waiting = null;
            }
            else if (!cancellationToken.IsCancellationRequested)
            {
                yield return Item(new SchedulerEvent(0, "keepalive", null, time.GetUtcNow(), null, null));
            }
        }
    }

    private static SseItem<SchedulerEvent> Item(SchedulerEvent e) =>
        new(e, e.Type) { EventId = e.Sequence.ToString(CultureInfo.InvariantCulture) };
}
