using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Executor.Handlers;
using Sluice.Local.Mesos;
using Sluice.Testing;
using Sluice.Testing.Kafka;

namespace Sluice.EndToEnd.World;

/// <summary>
/// Sluice on one machine, end to end: the local Mesos master and agents (in this process; the executors they
/// start are real processes), one or more real scheduler processes (file state, or ZooKeeper state with
/// standbys), a Kafka, and a directory the recording handler writes into.
/// </summary>
internal sealed class SluiceWorld : IAsyncDisposable
{
    private readonly Action<string> _log;
    private readonly ProcessedLog _processed;
    private SchedulerProcess _leader;

    private SluiceWorld(LocalMesosWorld mesos, IReadOnlyList<SchedulerProcess> schedulers, string directory, Action<string> log)
    {
        Mesos = mesos;
        Schedulers = schedulers;
        _leader = schedulers[0];
        Directory = directory;
        _log = log;
        _processed = new ProcessedLog(Output);
    }

    public LocalMesosWorld Mesos { get; }

    /// <summary>Every scheduler instance started; the first is the leader at the start.</summary>
    public IReadOnlyList<SchedulerProcess> Schedulers { get; }

    /// <summary>The instance last seen leading (<see cref="WaitForLeaderAsync"/> looks again).</summary>
    public SchedulerProcess Scheduler => _leader;

    public string Directory { get; }

    public string Output => Path.Combine(Directory, "processed");

    /// <summary>The REST API of <see cref="Scheduler"/>.</summary>
    public HttpClient Api => _leader.Api;

    public static async Task<SluiceWorld> StartAsync(IKafkaTestCluster kafka, SluiceWorldOptions options)
    {
        if (options.Schedulers > 1 && options.ZooKeeper is null)
        {
            throw new ArgumentException("standby schedulers need ZooKeeper state", nameof(options));
        }
        var directory = System.IO.Directory.CreateTempSubdirectory("sluice-world-").FullName;
        var mesos = await LocalMesosWorld.StartAsync(new LocalMesosOptions
        {
            AgentCount = options.Agents,
            AgentResources = "cpus:8;mem:16384;disk:10240;ports:[31000-32000]",
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            AllocationInterval = TimeSpan.FromMilliseconds(250),
            WorkDirectory = Path.Combine(directory, "mesos"),
        });
        // A chroot per world: worlds sharing one ZooKeeper server never see each other's state.
        string[] state = options.ZooKeeper is { } zk
            ? ["--zk", $"{zk}/sluice-{Guid.NewGuid():N}"]
            : ["--state", "file:" + Path.Combine(directory, "state")];
        var schedulers = Enumerable.Range(0, options.Schedulers).Select(i => new SchedulerProcess([
            "--master", mesos.MasterUrl.ToString().TrimEnd('/'),
            .. state,
            "--kafka", kafka.BootstrapServers,
            "--framework-name", "sluice-e2e",
            "--executor-kafka-config", $"fetch.wait.max.ms={kafka.FetchWaitMaxMs}",
            .. options.SchedulerArgs,
        ], options.Schedulers == 1 ? "scheduler" : $"scheduler{i + 1}")).ToList();
        try
        {
            // The first one started leads: the others join as standbys once it has won.
            foreach (var scheduler in schedulers)
            {
                await scheduler.StartAsync();
                if (scheduler == schedulers[0] && schedulers.Count > 1)
                {
                    await Eventually.TrueAsync(async () => await scheduler.HealthAsync() == true, TimeSpan.FromSeconds(60), $"{scheduler.Name} leads");
                }
            }
        }
        catch
        {
            foreach (var scheduler in schedulers)
            {
                await scheduler.DisposeAsync();
            }
            await mesos.DisposeAsync();
            throw;
        }
        return new SluiceWorld(mesos, schedulers, directory, options.Log ?? (_ => { }));
    }

    /// <summary>Waits until one running instance (other than <paramref name="except"/>) says it leads, and points <see cref="Api"/> at it.</summary>
    public async Task<SchedulerProcess> WaitForLeaderAsync(TimeSpan timeout, SchedulerProcess? except = null)
    {
        await Eventually.TrueAsync(async () =>
        {
            foreach (var scheduler in Schedulers.Where(s => s.IsRunning && s != except))
            {
                if (await scheduler.HealthAsync() == true)
                {
                    _leader = scheduler;
                    return true;
                }
            }
            return false;
        }, timeout, "a scheduler instance leads");
        return _leader;
    }

    /// <summary>
    /// PUT a consumer with the recording handler writing into <see cref="Output"/>. With <paramref name="deadLetterTopic"/>,
    /// values starting with <see cref="LoadProducer.PoisonPrefix"/> fail and go there (policy deadLetterAndContinue).
    /// </summary>
    public async Task PutRecordingConsumerAsync(string name, string topic, int instances, string version = "v1", int workers = 4, string? deadLetterTopic = null)
    {
        var settings = new JsonObject { ["output"] = Output };
        var spec = new JsonObject
        {
            ["topics"] = new JsonArray(topic),
            ["groupId"] = name + "-group",
            ["version"] = version,
            ["handler"] = new JsonObject { ["type"] = "sluice:record", ["settings"] = settings },
            ["resources"] = new JsonObject { ["cpus"] = 0.1, ["mem"] = 128 },
            ["instances"] = instances,
            ["workers"] = workers,
        };
        if (deadLetterTopic is not null)
        {
            settings["poisonPrefix"] = LoadProducer.PoisonPrefix;
            spec["failurePolicy"] = "deadLetterAndContinue";
            spec["deadLetterTopic"] = deadLetterTopic;
        }
        using var response = await Api.PutAsJsonAsync($"api/v1/consumers/{name}", spec);
        await EnsureAsync(response, HttpStatusCode.Created, HttpStatusCode.OK);
    }

    /// <summary>POST …/scale and wait for its operation to succeed.</summary>
    public async Task ScaleAsync(string name, int instances, TimeSpan timeout)
    {
        using var response = await Api.PostAsJsonAsync($"api/v1/consumers/{name}/scale", new { instances });
        await EnsureAsync(response, HttpStatusCode.Accepted);
        var operation = await response.Content.ReadFromJsonAsync<JsonElement>();
        var href = operation.GetProperty("href").GetString()!.TrimStart('/');
        await WaitForOperationAsync(href, $"scale of {name} to {instances}", timeout);
    }

    public async Task WaitForOperationAsync(string href, string what, TimeSpan timeout)
    {
        string? status = null;
        await Eventually.TrueAsync(async () =>
        {
            var op = await Api.GetFromJsonAsync<JsonElement>(href);
            status = op.GetProperty("status").GetString();
            if (status == "failed")
            {
                throw new InvalidOperationException($"{what} failed: {op.GetProperty("message")}");
            }
            return status == "succeeded";
        }, timeout, $"{what} succeeds (last status {status})");
    }

    /// <summary>POST …/deployments of a green version of the recording handler; the deployment's id.</summary>
    public async Task<string> StartDeploymentAsync(string name, string version, int[] steps, int bakeSeconds, bool autoPromote = true,
        bool failAll = false, string failurePolicy = "commitOffsetAndContinue", double maxErrorRate = 0.01)
    {
        var body = new JsonObject
        {
            ["version"] = new JsonObject
            {
                ["version"] = version,
                ["handler"] = new JsonObject
                {
                    ["type"] = "sluice:record",
                    ["settings"] = new JsonObject { ["output"] = Output, ["failAll"] = failAll ? "true" : "false" },
                },
                ["resources"] = new JsonObject { ["cpus"] = 0.1, ["mem"] = 128 },
                ["workers"] = 4,
                ["failurePolicy"] = failurePolicy,
            },
            ["strategy"] = new JsonObject
            {
                ["steps"] = new JsonArray([.. steps.Select(s => (JsonNode)s)]),
                ["bakeSeconds"] = bakeSeconds,
                ["autoPromote"] = autoPromote,
                ["gates"] = new JsonObject { ["maxErrorRate"] = maxErrorRate },
            },
        };
        using var response = await Api.PostAsJsonAsync($"api/v1/consumers/{name}/deployments", body);
        await EnsureAsync(response, HttpStatusCode.Accepted);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> DeploymentAsync(string name, string id) =>
        await Api.GetFromJsonAsync<JsonElement>($"api/v1/consumers/{name}/deployments/{id}");

    public async Task ActAsync(string name, string id, string action)
    {
        using var response = await Api.PostAsync($"api/v1/consumers/{name}/deployments/{id}/{action}", null);
        await EnsureAsync(response, HttpStatusCode.Accepted);
    }

    /// <summary>Waits until the deployment reaches <paramref name="status"/>; fails fast when it ends in another terminal status.</summary>
    public async Task<JsonElement> WaitForDeploymentAsync(string name, string id, string status, TimeSpan timeout, Func<JsonElement, bool>? also = null)
    {
        JsonElement last = default;
        await Eventually.TrueAsync(async () =>
        {
            last = await DeploymentAsync(name, id);
            var now = last.GetProperty("status").GetString();
            if (now != status && now is "succeeded" or "rolledBack" or "failed" or "aborted")
            {
                throw new InvalidOperationException($"deployment {id} ended {now}, not {status}: {last.GetProperty("message")}");
            }
            return now == status && (also?.Invoke(last) ?? true);
        }, timeout, $"deployment {id} becomes {status}");
        return last;
    }

    public async Task<JsonElement> StatusAsync(string name) =>
        await Api.GetFromJsonAsync<JsonElement>($"api/v1/consumers/{name}/status");

    /// <summary>Task ids of the consumer's tasks in the given Mesos state.</summary>
    public async Task<IReadOnlyList<string>> TasksAsync(string name, string state = "running")
    {
        var status = await StatusAsync(name);
        return status.GetProperty("tasks").EnumerateArray()
            .Where(t => t.GetProperty("mesosState").GetString() == state)
            .Select(t => t.GetProperty("taskId").GetString()!)
            .ToList();
    }

    /// <summary>Partition → owner from the status.</summary>
    public async Task<IReadOnlyDictionary<int, string?>> OwnersAsync(string name)
    {
        var status = await StatusAsync(name);
        return status.GetProperty("partitions").EnumerateArray()
            .ToDictionary(p => p.GetProperty("partition").GetInt32(), p => p.GetProperty("owner").GetString());
    }

    /// <summary>
    /// Waits for exactly <paramref name="instances"/> running tasks, all connected, owning every one of the
    /// topic's <paramref name="partitions"/> partitions between them.
    /// </summary>
    public async Task WaitUntilServedByAsync(string consumer, int instances, int partitions, TimeSpan timeout)
    {
        string last = "";
        await Eventually.TrueAsync(async () =>
        {
            var status = await StatusAsync(consumer);
            var running = status.GetProperty("tasks").EnumerateArray()
                .Where(t => t.GetProperty("mesosState").GetString() == "running" && t.GetProperty("connected").GetBoolean())
                .Select(t => t.GetProperty("taskId").GetString()!)
                .ToHashSet();
            var all = status.GetProperty("partitions").EnumerateArray().ToList();
            var owned = all.Count(p => p.GetProperty("owner").GetString() is { } o && running.Contains(o) && p.GetProperty("state").GetString() == "owned");
            last = $"{running.Count} running+connected of {status.GetProperty("tasks").GetArrayLength()}, {owned}/{partitions} partitions owned by them";
            return running.Count == instances && all.Count == partitions && owned == partitions;
        }, timeout, $"{instances} task(s) serve every partition of {consumer} (last: {last})");
    }

    /// <summary>Every record the recording handler wrote so far (read incrementally: cheap to poll).</summary>
    public IReadOnlyList<ProcessedRecord> Processed() => _processed.Read();

    /// <summary>Stops the load, waits until every record Kafka acknowledged was processed, and reports the run.</summary>
    public async Task<ProcessingReport> StopAndReportAsync(LoadProducer load, TimeSpan timeout)
    {
        await load.StopAsync();
        await Eventually.TrueAsync(() => ProcessingReport.Of(load.Delivered, Processed()).Lost == 0, timeout, "every produced record is processed");
        var report = ProcessingReport.Of(load.Delivered, Processed());
        _log(report.ToString());
        return report;
    }

    public void DumpSchedulerLog(int lines = 80)
    {
        foreach (var scheduler in Schedulers)
        {
            foreach (var line in scheduler.Output.TakeLast(lines))
            {
                _log($"{scheduler.Name}| {line}");
            }
        }
    }

    private static async Task EnsureAsync(HttpResponseMessage response, params HttpStatusCode[] expected)
    {
        if (!expected.Contains(response.StatusCode))
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var scheduler in Schedulers)
        {
            await scheduler.DisposeAsync();
        }
        await Mesos.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // An executor still closing its file; the temp directory is reclaimed later.
        }
    }
}
