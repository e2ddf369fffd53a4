using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Local.Mesos;

namespace Sluice.Bench.Cutover;

/// <summary>
/// (a) A Sluice blue/green cutover: the real scheduler process on the local Mesos world launches the executors
/// (real processes running the recording handler), v1 serves the topic, then a deployment moves every
/// partition to v2 by handover in steps. The handler's output files are followed and fed to the run's
/// recorder with the times the executors stamped.
/// </summary>
internal sealed class SluiceCutoverContender : ICutoverContender
{
    private static readonly int[] Steps = [10, 50, 100];

    public string Name => "sluice";

    public string Description => $"Sluice blue/green deployment v1 → v2, steps {string.Join("/", Steps)} %, bake 1 s, per-partition handover";

    public async Task<CutoverRun> RunAsync(CutoverScenario scenario, CancellationToken cancellationToken)
    {
        var home = Directory.CreateTempSubdirectory("sluice-cutover-").FullName;
        var output = Path.Combine(home, "processed");
        Directory.CreateDirectory(output);
        try
        {
            await using var mesos = await LocalMesosWorld.StartAsync(new LocalMesosOptions
            {
                AgentCount = 2,
                AgentResources = "cpus:8;mem:16384;disk:10240;ports:[31000-32000]",
                HeartbeatInterval = TimeSpan.FromSeconds(2),
                AllocationInterval = TimeSpan.FromMilliseconds(250),
                WorkDirectory = Path.Combine(home, "mesos"),
            }, cancellationToken);
            var (restPort, controlPort) = (FreePort(), FreePort());
            using var scheduler = StartScheduler(home, mesos.MasterUrl, scenario, restPort, controlPort);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{restPort}/"), Timeout = TimeSpan.FromSeconds(30) };
            using var follow = new CancellationTokenSource();
            var follower = Task.Run(() => FollowAsync(output, scenario, follow.Token), CancellationToken.None);
            try
            {
                await WaitAsync(async () => (await http.GetAsync("health", cancellationToken)).IsSuccessStatusCode, "the scheduler to answer", scenario, cancellationToken);
                await PutConsumerAsync(http, scenario, output, cancellationToken);
                scenario.Note("v1 consumer created");
                await scenario.WarmUpAsync(cancellationToken);

                scenario.MarkDeployStarted();
                var id = await StartDeploymentAsync(http, output, cancellationToken);
                string? last = null;
                await WaitAsync(async () =>
                {
                    var d = await http.GetFromJsonAsync<JsonElement>($"api/v1/consumers/cutover/deployments/{id}", cancellationToken);
                    var status = d.GetProperty("status").GetString();
                    var step = $"{status} step {d.GetProperty("step").GetInt32() + 1}: {d.GetProperty("partitions")}";
                    if (step != last)
                    {
                        scenario.Note(step);
                        last = step;
                    }
                    return status is "succeeded" or "rolledBack" or "failed" or "aborted";
                }, "the deployment to end", scenario, cancellationToken);
                await WaitAsync(async () =>
                {
                    var status = await http.GetFromJsonAsync<JsonElement>("api/v1/consumers/cutover/status", cancellationToken);
                    return status.GetProperty("tasks").EnumerateArray().All(t => t.GetProperty("version").GetString() == CutoverScenario.NewVersion);
                }, "the v1 tasks to stop", scenario, cancellationToken);
                scenario.Note("v1 tasks stopped");
                await scenario.FinishDeployAsync(cancellationToken);
                await scenario.StopProducingAndDrainAsync(cancellationToken);
            }
            finally
            {
                await follow.CancelAsync();
                await follower.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (!scheduler.HasExited)
                {
                    scheduler.Kill(entireProcessTree: true);
                    await scheduler.WaitForExitAsync(CancellationToken.None);
                }
            }
            return scenario.Complete(
                new Dictionary<string, string>
                {
                    ["steps"] = string.Join(",", Steps),
                    ["bakeSeconds"] = "1",
                    ["executors"] = $"{scenario.Consumers} v1 + {scenario.Consumers} v2 processes",
                    ["commit"] = "per-partition release commits synchronously; periodic commits every 250 ms",
                },
                new Dictionary<string, long>());
        }
        finally
        {
            try
            {
                if (Environment.GetEnvironmentVariable("SLUICE_BENCH_KEEP") == "1")
                {
                    scenario.Note($"kept the run's logs in {home} (SLUICE_BENCH_KEEP=1)");
                }
                else
                {
                    Directory.Delete(home, recursive: true);
                }
            }
            catch (IOException)
            {
                // An executor still closing its file; the temp directory is reclaimed later.
            }
        }
    }

    private static Process StartScheduler(string home, Uri master, CutoverScenario scenario, int restPort, int controlPort)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[
            SchedulerDll(),
            "--master", master.ToString().TrimEnd('/'),
            "--state", "file:" + Path.Combine(home, "state"),
            "--kafka", scenario.BootstrapServers,
            "--framework-name", "sluice-cutover",
            "--listen", $"http://127.0.0.1:{restPort}",
            "--control-plane-listen", $"http://127.0.0.1:{controlPort}",
            "--executor-kafka-config", $"fetch.wait.max.ms={scenario.Settings.FetchWaitMaxMs}",
        ])
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("the scheduler did not start");
        var log = new StreamWriter(Path.Combine(home, "scheduler.log")) { AutoFlush = true };
        var gate = new Lock();
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) lock (gate) log.WriteLine(line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (gate) log.WriteLine(line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task PutConsumerAsync(HttpClient http, CutoverScenario scenario, string output, CancellationToken cancellationToken)
    {
        var spec = new JsonObject
        {
            ["topics"] = new JsonArray(scenario.Topic),
            ["groupId"] = "sluice-cutover-" + Guid.NewGuid().ToString("N")[..8],
            ["version"] = CutoverScenario.OldVersion,
            ["handler"] = new JsonObject { ["type"] = "sluice:record", ["settings"] = new JsonObject { ["output"] = output } },
            ["resources"] = new JsonObject { ["cpus"] = 0.1, ["mem"] = 128 },
            ["instances"] = scenario.Consumers,
            ["workers"] = 8,
        };
        using var response = await http.PutAsJsonAsync("api/v1/consumers/cutover", spec, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<string> StartDeploymentAsync(HttpClient http, string output, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["version"] = new JsonObject
            {
                ["version"] = CutoverScenario.NewVersion,
                ["handler"] = new JsonObject { ["type"] = "sluice:record", ["settings"] = new JsonObject { ["output"] = output } },
                ["resources"] = new JsonObject { ["cpus"] = 0.1, ["mem"] = 128 },
                ["workers"] = 8,
            },
            ["strategy"] = new JsonObject { ["steps"] = new JsonArray([.. Steps.Select(s => (JsonNode)s)]), ["bakeSeconds"] = 1 },
        };
        using var response = await http.PostAsJsonAsync("api/v1/consumers/cutover/deployments", body, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"starting the deployment answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
        return (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetString()!;
    }

    /// <summary>Follows the recording handler's files (one per task, one line per record) into the run's recorder.</summary>
    private static async Task FollowAsync(string directory, CutoverScenario scenario, CancellationToken cancellationToken)
    {
        var positions = new Dictionary<string, long>(StringComparer.Ordinal);
        var partial = new Dictionary<string, string>(StringComparer.Ordinal);
        var buffer = new byte[1 << 16];
        while (true)
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*.processed"))
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                stream.Position = positions.GetValueOrDefault(file);
                int read;
                var text = partial.GetValueOrDefault(file) ?? "";
                while ((read = await stream.ReadAsync(buffer, CancellationToken.None)) > 0)
                {
                    text += System.Text.Encoding.UTF8.GetString(buffer, 0, read);
                }
                positions[file] = stream.Position;
                var lines = text.Split('\n');
                partial[file] = lines[^1];
                foreach (var line in lines.AsSpan(0, lines.Length - 1))
                {
                    // topic partition offset key version task unix-ms (executor/Handlers/ProcessedRecord.cs)
                    var f = line.Split('\t');
                    if (f.Length == 7)
                    {
                        scenario.Sink.RecordProcessedAt(f[0], int.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture),
                            f[5], f[4], DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(f[6], CultureInfo.InvariantCulture)));
                    }
                }
            }
            if (cancellationToken.IsCancellationRequested)
            {
                return; // one last pass after the run ended
            }
            await Task.Delay(10, CancellationToken.None);
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what, CutoverScenario scenario, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < scenario.Settings.StepTimeout * 2)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new TimeoutException($"Waited {(scenario.Settings.StepTimeout * 2).TotalSeconds:0} s for {what}.");
    }

    private static string SchedulerDll()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var dll = Path.Combine(dir.FullName, "scheduler", "bin", configuration, "net10.0", "sluice-scheduler.dll");
            if (File.Exists(Path.Combine(dir.FullName, "Sluice.slnx")))
            {
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the scheduler first: {dll} is missing.");
            }
        }
        throw new FileNotFoundException("The repository root (Sluice.slnx) is not above the benchmark.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
