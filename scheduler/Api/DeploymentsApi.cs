using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Api;

/// <summary>
/// Blue/green deployments (issue 9): start one (the green version joins the consumer's versions), read them, and
/// act on the active one (promote, rollback, pause, resume, abort). The engine carries them through their steps;
/// these endpoints only record what was asked, checked against the deployment's current status (409 otherwise).
/// </summary>
internal static class DeploymentsApi
{
    public const int MaxSteps = 20;
    public const int DefaultBakeSeconds = 30;
    public const double DefaultMaxErrorRate = 0.01;
    private static readonly int[] DefaultSteps = [10, 50, 100];

    public static void MapDeployments(this RouteGroupBuilder consumers)
    {
        consumers.MapPost("/{name}/deployments", Start).WithName("StartDeployment")
            .Accepts<DeploymentRequest>("application/json").ProducesProblem(StatusCodes.Status401Unauthorized);
        consumers.MapGet("/{name}/deployments", List).WithName("ListDeployments");
        consumers.MapGet("/{name}/deployments/{id}", Get).WithName("GetDeployment");
        consumers.MapPost("/{name}/deployments/{id}/{action}", Act).WithName("ActOnDeployment").ProducesProblem(StatusCodes.Status401Unauthorized);
    }

    internal static async Task<Results<Accepted<DeploymentResponse>, ValidationProblem, ProblemHttpResult>> Start(
        string name, HttpRequest request, [AsParameters] ApiServices s, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!ApiValidation.IsConsumerName(name))
        {
            return ApiProblems.InvalidName("name", name);
        }
        var (body, problem) = await ApiJson.ReadAsync<DeploymentRequest>(request, s.MaxBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        for (var attempt = 1; ; attempt++)
        {
            var existing = await s.Store.GetConsumerAsync(name, cancellationToken);
            if (existing is null)
            {
                return ApiProblems.ConsumerNotFound(name);
            }
            var errors = new ApiValidation.Errors();
            var spec = existing.Value.Spec;
            var green = MapVersion(name, body!.Version, spec, errors);
            var (steps, gates, autoPromote) = MapStrategy(body.Strategy, errors);
            if (errors.Any || green is null)
            {
                return ApiProblems.Invalid(errors);
            }
            if (await ActiveAsync(s.Store, name, cancellationToken) is { } active)
            {
                return ApiProblems.Conflict($"Deployment {active.Value.Id} ({active.Value.FromVersion} → {active.Value.ToVersion}) is {ApiNames.Of(active.Value.Status)} for consumer '{name}'; finish, roll back or abort it first.");
            }
            var now = time.GetUtcNow();
            var deployment = new Deployment(
                $"{name}-{now:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}", name, spec.ActiveVersion, green.Id, steps, 0, gates,
                DeploymentStatus.Pending, autoPromote, Message: $"launching {spec.DesiredInstances} task(s) of {green.Id}", CreatedAt: now, UpdatedAt: now);
            try
            {
                var versions = spec.Versions.Where(v => v.Id != green.Id).Append(green).ToList();
                await s.Store.PutConsumerAsync(existing.Value with { Spec = spec with { Versions = versions } }, existing.Version, cancellationToken);
            }
            catch (StateConflictException) when (attempt < ApiServices.WriteAttempts)
            {
                continue;
            }
            catch (StateConflictException)
            {
                return ApiProblems.Conflict($"Consumer '{name}' was changed concurrently {attempt} times; retry.");
            }
            await s.Store.PutDeploymentAsync(deployment, StateVersion.New, cancellationToken);
            s.Events.Publish("deployment.pending", name, deployment.Message, new Dictionary<string, string>
            {
                ["deployment"] = deployment.Id,
                ["from"] = deployment.FromVersion,
                ["to"] = deployment.ToVersion,
            });
            s.Sink.ConsumerChanged(name, ConsumerChange.Replaced);
            var response = DeploymentResponse.From(deployment, await SharesAsync(s.Store, name, cancellationToken));
            return TypedResults.Accepted(response.Href, response);
        }
    }

    internal static async Task<Results<Ok<DeploymentResponse[]>, ValidationProblem, ProblemHttpResult>> List(
        string name, [AsParameters] ApiServices s, CancellationToken cancellationToken)
    {
        if (!ApiValidation.IsConsumerName(name))
        {
            return ApiProblems.InvalidName("name", name);
        }
        if (await s.Store.GetConsumerAsync(name, cancellationToken) is null)
        {
            return ApiProblems.ConsumerNotFound(name);
        }
        var shares = await SharesAsync(s.Store, name, cancellationToken);
        var result = new List<DeploymentResponse>();
        foreach (var d in await OfConsumerAsync(s.Store, name, cancellationToken))
        {
            result.Add(DeploymentResponse.From(d.Value, shares));
        }
        return TypedResults.Ok(result.OrderByDescending(d => d.CreatedAt).ToArray());
    }

    internal static async Task<Results<Ok<DeploymentResponse>, ValidationProblem, ProblemHttpResult>> Get(
        string name, string id, [AsParameters] ApiServices s, CancellationToken cancellationToken)
    {
        if (!ApiValidation.IsConsumerName(name))
        {
            return ApiProblems.InvalidName("name", name);
        }
        var deployment = await FindAsync(s.Store, name, id, cancellationToken);
        return deployment is null
            ? NotFound(name, id)
            : TypedResults.Ok(DeploymentResponse.From(deployment.Value, await SharesAsync(s.Store, name, cancellationToken)));
    }

    internal static async Task<Results<Accepted<DeploymentResponse>, ValidationProblem, ProblemHttpResult>> Act(
        string name, string id, string action, [AsParameters] ApiServices s, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!ApiValidation.IsConsumerName(name))
        {
            return ApiProblems.InvalidName("name", name);
        }
        if (action is not ("promote" or "rollback" or "pause" or "resume" or "abort"))
        {
            return ApiProblems.Create(StatusCodes.Status404NotFound, "Unknown action",
                $"'{ApiJson.Truncate(action, 40)}' is not an action on a deployment: use promote, rollback, pause, resume or abort.");
        }
        for (var attempt = 1; ; attempt++)
        {
            var current = await FindAsync(s.Store, name, id, cancellationToken);
            if (current is null)
            {
                return NotFound(name, id);
            }
            var d = current.Value;
            var next = Apply(d, action, time.GetUtcNow());
            if (next is null)
            {
                return ApiProblems.Conflict($"Deployment {d.Id} is {ApiNames.Of(d.Status)}: '{action}' does not apply now.");
            }
            try
            {
                await s.Store.PutDeploymentAsync(next, current.Version, cancellationToken);
            }
            catch (StateConflictException) when (attempt < ApiServices.WriteAttempts)
            {
                continue;
            }
            catch (StateConflictException)
            {
                return ApiProblems.Conflict($"Deployment {d.Id} was changed concurrently {attempt} times; retry.");
            }
            s.Events.Publish("deployment." + action, name, next.Message, new Dictionary<string, string> { ["deployment"] = d.Id });
            s.Sink.ConsumerChanged(name, ConsumerChange.Replaced);
            var response = DeploymentResponse.From(next, await SharesAsync(s.Store, name, cancellationToken));
            return TypedResults.Accepted(response.Href, response);
        }
    }

    /// <summary>The deployment after <paramref name="action"/>, or null when the action does not apply in its status.</summary>
    internal static Deployment? Apply(Deployment d, string action, DateTimeOffset now)
    {
        var moving = d.Status is DeploymentStatus.Pending or DeploymentStatus.InProgress or DeploymentStatus.Baking or DeploymentStatus.WaitingForPromotion;
        return action switch
        {
            "promote" when moving && d.Status != DeploymentStatus.Pending => d with
            {
                Promoted = true,
                Status = d.Status == DeploymentStatus.WaitingForPromotion ? DeploymentStatus.InProgress : d.Status,
                Message = "promote requested: moving every partition to " + d.ToVersion,
                UpdatedAt = now,
            },
            "rollback" when moving || d.Status == DeploymentStatus.Paused => d with
            {
                Status = DeploymentStatus.RollingBack,
                Promoted = false,
                Message = "rollback requested: moving every partition back to " + d.FromVersion,
                UpdatedAt = now,
            },
            "abort" when moving || d.Status is DeploymentStatus.Paused or DeploymentStatus.RollingBack => d with
            {
                Status = DeploymentStatus.Aborting,
                Promoted = false,
                Message = "abort requested: moving every partition back to " + d.FromVersion,
                UpdatedAt = now,
            },
            "pause" when moving => d with { Status = DeploymentStatus.Paused, PausedFrom = d.Status, Message = "paused", UpdatedAt = now },
            "resume" when d.Status == DeploymentStatus.Paused => d with
            {
                // A paused bake starts over: the gates judge a whole bake.
                Status = d.PausedFrom == DeploymentStatus.Baking ? DeploymentStatus.InProgress : d.PausedFrom ?? DeploymentStatus.InProgress,
                PausedFrom = null,
                BakeStartedAt = null,
                Message = "resumed",
                UpdatedAt = now,
            },
            _ => null,
        };
    }

    private static ConsumerVersion? MapVersion(string name, ConsumerSpecRequest? request, ConsumerSpec spec, ApiValidation.Errors errors)
    {
        if (request is null)
        {
            errors.Add("version", "version is required: the green version's handler, resources and worker settings");
            return null;
        }
        if (request.Topics is not null || request.GroupId is not null || request.Instances is not null || request.Constraints is not null)
        {
            errors.Add("version", "version may not change topics, groupId, instances or constraints: a deployment swaps the handler version only");
        }
        var inner = new ApiValidation.Errors();
        var mapped = ConsumerSpecMapping.TryMap(name, request with { Topics = [.. spec.Topics], GroupId = spec.GroupId, Instances = spec.DesiredInstances }, spec, inner);
        foreach (var (field, messages) in inner.ToDictionary())
        {
            foreach (var message in messages)
            {
                errors.Add("version." + field, message);
            }
        }
        if (mapped is null)
        {
            return null;
        }
        var green = mapped.Versions.Single(v => v.Id == mapped.ActiveVersion);
        if (green.Id == spec.ActiveVersion)
        {
            errors.Add("version.version", $"version '{green.Id}' is already the active version; name the new one (e.g. 'v2')");
            return null;
        }
        return green;
    }

    private static (IReadOnlyList<DeploymentStep> Steps, IReadOnlyList<HealthGate> Gates, bool AutoPromote) MapStrategy(StrategyRequest? strategy, ApiValidation.Errors errors)
    {
        var percents = strategy?.Steps ?? [.. DefaultSteps];
        if (percents.Count is 0 or > MaxSteps)
        {
            errors.Add("strategy.steps", $"strategy.steps must list 1 to {MaxSteps} percentages");
        }
        else if (percents.Any(p => p is < 1 or > 100) || percents.Zip(percents.Skip(1)).Any(pair => pair.First >= pair.Second) || percents[^1] != 100)
        {
            errors.Add("strategy.steps", "strategy.steps must rise strictly, each between 1 and 100, and end at 100 (e.g. [10, 50, 100])");
        }
        var bake = strategy?.BakeSeconds ?? DefaultBakeSeconds;
        if (bake is < 0 or > 86_400)
        {
            errors.Add("strategy.bakeSeconds", "strategy.bakeSeconds must be between 0 and 86400");
        }
        var gates = new List<HealthGate>();
        var errorRate = strategy?.Gates?.MaxErrorRate ?? DefaultMaxErrorRate;
        if (!double.IsFinite(errorRate) || errorRate is < 0 or > 1)
        {
            errors.Add("strategy.gates.maxErrorRate", "strategy.gates.maxErrorRate must be between 0 and 1");
        }
        gates.Add(new HealthGate("maxErrorRate", HealthGateKind.MaxErrorRate, errorRate, null));
        if (strategy?.Gates?.MaxLagGrowth is { } growth)
        {
            if (growth < 0)
            {
                errors.Add("strategy.gates.maxLagGrowth", "strategy.gates.maxLagGrowth must be 0 or more");
            }
            gates.Add(new HealthGate("maxLagGrowth", HealthGateKind.MaxLagGrowth, growth, null));
        }
        if (strategy?.Gates?.MaxLag is { } lag)
        {
            if (lag < 0)
            {
                errors.Add("strategy.gates.maxLag", "strategy.gates.maxLag must be 0 or more");
            }
            gates.Add(new HealthGate("maxLag", HealthGateKind.MaxLag, lag, null));
        }
        var steps = percents.Select(p => new DeploymentStep(p, TimeSpan.FromSeconds(Math.Max(0, bake)))).ToList();
        return (steps, gates, strategy?.AutoPromote ?? true);
    }

    private static async Task<IReadOnlyList<Versioned<Deployment>>> OfConsumerAsync(IStateStore store, string name, CancellationToken cancellationToken)
    {
        var result = new List<Versioned<Deployment>>();
        foreach (var id in await store.ListDeploymentsAsync(cancellationToken))
        {
            if (await store.GetDeploymentAsync(id, cancellationToken) is { } d && d.Value.Consumer == name)
            {
                result.Add(d);
            }
        }
        return result;
    }

    private static async Task<Versioned<Deployment>?> ActiveAsync(IStateStore store, string name, CancellationToken cancellationToken) =>
        (await OfConsumerAsync(store, name, cancellationToken)).FirstOrDefault(d => d.Value.IsActive);

    private static async Task<Versioned<Deployment>?> FindAsync(IStateStore store, string name, string id, CancellationToken cancellationToken)
    {
        if (!ApiValidation.IsPrintable(id, 200) || id.Contains('/'))
        {
            return null;
        }
        var deployment = await store.GetDeploymentAsync(id, cancellationToken);
        return deployment?.Value.Consumer == name ? deployment : null;
    }

    /// <summary>How many partitions each version owns now: ownership → owner task → its version.</summary>
    private static async Task<IReadOnlyDictionary<string, int>> SharesAsync(IStateStore store, string name, CancellationToken cancellationToken)
    {
        var record = await store.GetConsumerAsync(name, cancellationToken);
        var ownership = await store.GetOwnershipAsync(name, cancellationToken);
        var versions = (record?.Value.Tasks ?? []).ToDictionary(t => t.TaskId, t => t.VersionId, StringComparer.Ordinal);
        return (ownership?.Value.Partitions ?? [])
            .Where(p => p.OwnerTaskId is not null && p.State == OwnershipState.Owned && versions.ContainsKey(p.OwnerTaskId))
            .GroupBy(p => versions[p.OwnerTaskId!], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }

    private static ProblemHttpResult NotFound(string name, string id) =>
        ApiProblems.Create(StatusCodes.Status404NotFound, "Deployment not found", $"Consumer '{ApiJson.Truncate(name, 64)}' has no deployment '{ApiJson.Truncate(id, 80)}'.");
}
