using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Executor.Handlers;
using Sluice.Local.Mesos;
using Sluice.Testing;
using Sluice.Testing.Kafka;
using Xunit.Abstractions;

namespace Sluice.Integration.Tests.Framework;

/// <summary>
/// Sluice on one machine for an end-to-end test: the local Mesos master and agents (in this process; the
/// executors they start are real processes), the real scheduler process with a file state store, the
/// embedded Kafka, and a directory the recording handler writes into.
/// </summary>
internal sealed class SluiceWorld : IAsyncDisposable
{
    private readonly ITestOutputHelper _log;

    private SluiceWorld(LocalMesosWorld mesos, SchedulerProcess scheduler, string directory, ITestOutputHelper log)
    {
        Mesos = mesos;
        Scheduler = scheduler;
        Directory = directory;
        _log = log;
    }

    public LocalMesosWorld Mesos { get; }

    public SchedulerProcess Scheduler { get; }

    public string Directory { get; }

    public string Output => Path.Combine(Directory, "processed");

    public HttpClient Api => Scheduler.Api;

    public static async Task<SluiceWorld> StartAsync(KafkaFixture kafka, ITestOutputHelper log, int agents = 2, params string[] extraArgs)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("sluice-world-").FullName;
        var mesos = await LocalMesosWorld.StartAsync(new LocalMesosOptions
        {
            AgentCount = agents,
            AgentResources = "cpus:8;mem:16384;disk:10240;ports:[31000-32000]",
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            AllocationInterval = TimeSpan.FromMilliseconds(250),
            WorkDirectory = Path.Combine(directory, "mesos"),
        });
        var scheduler = new SchedulerProcess([
            "--master", mesos.MasterUrl.ToString().TrimEnd('/'),
            "--state", "file:" + Path.Combine(directory, "state"),
            "--kafka", kafka.BootstrapServers,
            "--framework-name", "sluice-e2e",
            "--executor-kafka-config", $"fetch.wait.max.ms={kafka.FetchWaitMaxMs}",
            .. extraArgs,
        ]);
        try
        {
            await scheduler.StartAsync();
        }
        catch
        {
            await scheduler.DisposeAsync();
            await mesos.DisposeAsync();
            throw;
        }
        return new SluiceWorld(mesos, scheduler, directory, log);
    }

    /// <summary>PUT a consumer with the recording handler writing into <see cref="Output"/>.</summary>
    public async Task PutRecordingConsumerAsync(string name, string topic, int instances, string version = "v1", int workers = 4)
    {
        var spec = new JsonObject
        {
            ["topics"] = new JsonArray(topic),
            ["groupId"] = name + "-group",
            ["version"] = version,
            ["handler"] = new JsonObject { ["type"] = "sluice:record", ["settings"] = new JsonObject { ["output"] = Output } },
            ["resources"] = new JsonObject { ["cpus"] = 0.1, ["mem"] = 128 },
            ["instances"] = instances,
            ["workers"] = workers,
        };
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

    public IReadOnlyList<ProcessedRecord> Processed() => ProcessedRecord.ReadAll(Output);

    /// <summary>Stops the load, waits until every record Kafka acknowledged was processed, and reports the run.</summary>
    public async Task<ProcessingReport> StopAndReportAsync(LoadProducer load, TimeSpan timeout)
    {
        await load.StopAsync();
        await Eventually.TrueAsync(() => ProcessingReport.Of(load.Delivered, Processed()).Lost == 0, timeout, "every produced record is processed");
        var report = ProcessingReport.Of(load.Delivered, Processed());
        _log.WriteLine(report.ToString());
        return report;
    }

    public void DumpSchedulerLog(int lines = 80)
    {
        foreach (var line in Scheduler.Output.TakeLast(lines))
        {
            _log.WriteLine("scheduler| " + line);
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
        await Scheduler.DisposeAsync();
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
