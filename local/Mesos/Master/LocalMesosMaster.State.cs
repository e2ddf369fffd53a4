using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Sluice.Proto.Mesos.V1;

namespace Sluice.Local.Mesos.Master;

public sealed partial class LocalMesosMaster
{
    private async Task HandleStateAsync(HttpContext context)
    {
        var state = await _actor.Ask(BuildState).ConfigureAwait(false);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(state.ToJsonString(new JsonSerializerOptions { WriteIndented = false }), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A subset of Mesos' <c>/master/state</c> with the same field names.</summary>
    private JsonObject BuildState()
    {
        var frameworks = new JsonArray();
        foreach (var framework in _frameworks.Values)
        {
            frameworks.Add(FrameworkJson(framework));
        }
        var completed = new JsonArray();
        foreach (var framework in _completedFrameworks.Values)
        {
            completed.Add(FrameworkJson(framework));
        }
        var agents = new JsonArray();
        var recovered = new JsonArray();
        foreach (var agent in _agents.Values.Where(a => a.Session is null))
        {
            // Remembered from the registry after a failover, not re-registered yet (Mesos lists their info only).
            recovered.Add(new JsonObject
            {
                ["id"] = agent.Id,
                ["hostname"] = agent.Info.Hostname,
                ["port"] = agent.Info.Port,
                ["resources"] = ResourcesJson(agent.Total),
                ["attributes"] = AttributesJson(agent.Info.Attributes),
            });
        }
        foreach (var agent in _agents.Values.Where(a => a.Session is not null))
        {
            agents.Add(new JsonObject
            {
                ["id"] = agent.Id,
                ["pid"] = $"slave(1)@127.0.0.1:{agent.Info.Port}",
                ["hostname"] = agent.Info.Hostname,
                ["port"] = agent.Info.Port,
                ["active"] = true,
                ["version"] = Version,
                ["resources"] = ResourcesJson(agent.Total),
                ["used_resources"] = ResourcesJson(Used(agent.Id)),
                ["offered_resources"] = ResourcesJson(OfferedOn(agent.Id)),
                ["unreserved_resources"] = ResourcesJson(agent.Total),
                ["attributes"] = AttributesJson(agent.Info.Attributes),
            });
        }
        return new JsonObject
        {
            ["version"] = Version,
            ["id"] = Id,
            ["pid"] = Info.Pid,
            ["hostname"] = Info.Hostname,
            ["start_time"] = _startTime.ToUnixTimeMilliseconds() / 1000.0,
            ["elected_time"] = _startTime.ToUnixTimeMilliseconds() / 1000.0,
            ["leader"] = Info.Pid,
            ["leader_info"] = new JsonObject { ["id"] = Id, ["hostname"] = Info.Hostname, ["port"] = Port },
            ["activated_slaves"] = agents.Count,
            ["deactivated_slaves"] = 0,
            ["slaves"] = agents,
            ["recovered_slaves"] = recovered,
            ["frameworks"] = frameworks,
            ["completed_frameworks"] = completed,
            ["unregistered_frameworks"] = new JsonArray(),
        };
    }

    private JsonObject FrameworkJson(FrameworkRecord framework)
    {
        var tasks = new JsonArray();
        var used = new ResourceBag();
        foreach (var task in framework.Tasks.Values)
        {
            tasks.Add(TaskJson(task));
            if (!task.ResourcesRecovered)
            {
                used.Add(task.Resources);
            }
        }
        foreach (var executor in framework.Executors.Values)
        {
            used.Add(executor.Resources);
        }
        var completedTasks = new JsonArray();
        foreach (var task in framework.CompletedTasks)
        {
            completedTasks.Add(TaskJson(task));
        }
        var offers = new JsonArray();
        var offered = new ResourceBag();
        foreach (var offer in _offers.Values.Where(o => o.FrameworkId == framework.Id))
        {
            offered.Add(offer.Resources);
            offers.Add(new JsonObject
            {
                ["id"] = offer.Id,
                ["framework_id"] = offer.FrameworkId,
                ["slave_id"] = offer.AgentId,
                ["resources"] = ResourcesJson(offer.Resources),
            });
        }
        var executors = new JsonArray();
        foreach (var ((agentId, executorId), executor) in framework.Executors)
        {
            executors.Add(new JsonObject
            {
                ["executor_id"] = executorId,
                ["slave_id"] = agentId,
                ["name"] = executor.Info.Name,
                ["resources"] = ResourcesJson(executor.Resources),
            });
        }
        return new JsonObject
        {
            ["id"] = framework.Id,
            ["name"] = framework.Info.Name,
            ["user"] = framework.Info.User,
            ["role"] = framework.Role,
            ["failover_timeout"] = framework.Info.FailoverTimeout,
            ["checkpoint"] = framework.Info.Checkpoint,
            ["hostname"] = framework.Info.Hostname,
            ["webui_url"] = framework.Info.WebuiUrl,
            ["active"] = framework.Active && framework.Connected,
            ["connected"] = framework.Connected,
            ["recovered"] = framework.Recovered,
            ["suppressed"] = framework.Suppressed,
            ["registered_time"] = framework.RegisteredTime.ToUnixTimeMilliseconds() / 1000.0,
            ["unregistered_time"] = framework.UnregisteredTime is { } t ? t.ToUnixTimeMilliseconds() / 1000.0 : 0,
            ["resources"] = ResourcesJson(used),
            ["used_resources"] = ResourcesJson(used),
            ["offered_resources"] = ResourcesJson(offered),
            ["tasks"] = tasks,
            ["completed_tasks"] = completedTasks,
            ["offers"] = offers,
            ["executors"] = executors,
        };
    }

    private static JsonObject TaskJson(TaskRecord task)
    {
        var statuses = new JsonArray();
        foreach (var status in task.Statuses)
        {
            statuses.Add(new JsonObject
            {
                ["state"] = StateName(status.State),
                ["timestamp"] = status.Timestamp,
            });
        }
        var json = new JsonObject
        {
            ["id"] = task.Id,
            ["name"] = task.Info.Name,
            ["framework_id"] = task.FrameworkId,
            ["executor_id"] = task.ExecutorId?.Value ?? "",
            ["slave_id"] = task.AgentId,
            ["state"] = StateName(task.State),
            ["resources"] = ResourcesJson(task.Resources),
            ["statuses"] = statuses,
        };
        return json;
    }

    private ResourceBag OfferedOn(string agentId)
    {
        var offered = new ResourceBag();
        foreach (var offer in _offers.Values.Where(o => o.AgentId == agentId))
        {
            offered.Add(offer.Resources);
        }
        return offered;
    }

    /// <summary>Mesos' JSON for resources: scalars as numbers, ranges as "[a-b, c-d]".</summary>
    private static JsonObject ResourcesJson(ResourceBag resources)
    {
        var json = new JsonObject { ["cpus"] = 0.0, ["mem"] = 0.0, ["disk"] = 0.0, ["gpus"] = 0.0 };
        foreach (var name in resources.ScalarNames)
        {
            json[name] = resources.Scalar(name);
        }
        foreach (var name in resources.RangeNames)
        {
            json[name] = resources.RangesText(name);
        }
        return json;
    }

    private static JsonObject AttributesJson(IEnumerable<Sluice.Proto.Mesos.V1.Attribute> attributes)
    {
        var json = new JsonObject();
        foreach (var attribute in attributes)
        {
            json[attribute.Name] = attribute.Type switch
            {
                Value.Types.Type.Scalar => JsonValue.Create(attribute.Scalar.Value),
                Value.Types.Type.Text => JsonValue.Create(attribute.Text.Value),
                Value.Types.Type.Ranges => JsonValue.Create("[" + string.Join(", ", attribute.Ranges.Range.Select(r => $"{r.Begin}-{r.End}")) + "]"),
                _ => JsonValue.Create(string.Join(",", attribute.Set?.Item ?? [])),
            };
        }
        return json;
    }

    private static string StateName(TaskState state) => TaskStates.Name(state);
}
