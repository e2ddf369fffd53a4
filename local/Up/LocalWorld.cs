using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Sluice.Local.Kafka;
using Sluice.Local.Mesos;

namespace Sluice.Local.Up;

/// <summary>
/// <c>sluice-local up</c>: the whole framework on one machine, for <c>./local.sh</c>. The embedded Kafka with a
/// demo topic and a steady producer, the local Mesos master and agents (in this process; the executors they
/// start are real processes), the scheduler as a child process with a file state store, and a demo consumer
/// with 3 instances created through the scheduler's REST API. Everything stops with this process.
/// </summary>
internal sealed class LocalWorld(LocalWorldOptions options, TextWriter output)
{
    public async Task<int> RunAsync(CancellationToken stop)
    {
        Directory.CreateDirectory(options.Home);
        // The embedded Kafka lives in memory: state from an earlier run (ownership, offsets) means nothing now.
        foreach (var stale in new[] { "state", "mesos" })
        {
            var path = Path.Combine(options.Home, stale);
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }

        using var kafka = EmbeddedKafka.Start(1);
        kafka.CreateTopic(options.Topic, options.Partitions);
        Say($"Kafka      {kafka.BootstrapServers} (embedded; topic '{options.Topic}', {options.Partitions} partitions)");

        await using var mesos = await LocalMesosWorld.StartAsync(new LocalMesosOptions
        {
            MasterPort = options.MesosPort,
            AgentCount = options.Agents,
            AgentResources = "cpus:8;mem:16384;disk:10240;ports:[31000-32000]",
            HeartbeatInterval = TimeSpan.FromSeconds(5),
            WorkDirectory = Path.Combine(options.Home, "mesos"),
        }, stop);
        Say($"Mesos      {mesos.MasterUrl} (local master, {options.Agents} agent(s))");

        using var scheduler = StartScheduler(kafka.BootstrapServers, mesos.MasterUrl);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{options.RestPort}/"), Timeout = TimeSpan.FromSeconds(10) };
        if (!await WaitForHealthAsync(http, scheduler, stop))
        {
            return 1;
        }
        await CreateDemoConsumerAsync(http, stop);

        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5 }).Build();
        var load = Task.Run(() => Produce(producer, stop), CancellationToken.None);
        PrintWelcome();

        await ((Task)Task.WhenAny(Task.Delay(Timeout.Infinite, stop), scheduler.WaitForExitAsync(CancellationToken.None))).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Say(scheduler.HasExited ? $"the scheduler exited ({scheduler.ExitCode}); stopping" : "stopping: scheduler, executors, Mesos, Kafka");
        await load.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!scheduler.HasExited)
        {
            scheduler.Kill(entireProcessTree: true);
            await scheduler.WaitForExitAsync(CancellationToken.None);
        }
        return 0;
    }

    private Process StartScheduler(string bootstrap, Uri master)
    {
        var info = new ProcessStartInfo(options.Dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[
            options.SchedulerDll,
            "--master", master.ToString().TrimEnd('/'),
            "--state", "file:" + Path.Combine(options.Home, "state"),
            "--kafka", bootstrap,
            "--framework-name", "sluice-local",
            "--listen", $"http://127.0.0.1:{options.RestPort}",
            "--control-plane-listen", $"http://127.0.0.1:{options.ControlPlanePort}",
            "--executor-kafka-config", $"fetch.wait.max.ms={EmbeddedKafka.RecommendedFetchWaitMaxMs}",
        ])
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new IOException("the scheduler did not start");
        var log = new StreamWriter(Path.Combine(options.Home, "scheduler.log"), append: false) { AutoFlush = true };
        var gate = new Lock();
        void Write(string? line)
        {
            if (line is null) return;
            lock (gate) log.WriteLine(line);
        }
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.Exited += (_, _) => log.Dispose();
        process.EnableRaisingEvents = true;
        Say($"scheduler  pid {process.Id}, log {Path.Combine(options.Home, "scheduler.log")}");
        return process;
    }

    private async Task<bool> WaitForHealthAsync(HttpClient http, Process scheduler, CancellationToken stop)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && !stop.IsCancellationRequested)
        {
            if (scheduler.HasExited)
            {
                Say($"the scheduler exited with {scheduler.ExitCode} during start-up: see {Path.Combine(options.Home, "scheduler.log")}");
                return false;
            }
            try
            {
                using var response = await http.GetAsync("health", stop);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(250, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        Say($"the scheduler did not answer on http://127.0.0.1:{options.RestPort}/health within 60 s: see {Path.Combine(options.Home, "scheduler.log")}");
        return false;
    }

    private async Task CreateDemoConsumerAsync(HttpClient http, CancellationToken stop)
    {
        var spec = new JsonObject
        {
            ["topics"] = new JsonArray(options.Topic),
            ["version"] = "v1",
            ["handler"] = new JsonObject { ["type"] = "sluice:sleep", ["settings"] = new JsonObject { ["sleepMs"] = "1" } },
            ["resources"] = new JsonObject { ["cpus"] = 0.2, ["mem"] = 128 },
            ["instances"] = 3,
            ["workers"] = 4,
        };
        using var response = await http.PutAsJsonAsync("api/v1/consumers/demo", spec, stop);
        if (!response.IsSuccessStatusCode)
        {
            throw new IOException($"creating the demo consumer failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(stop)}");
        }
        Say("consumer   'demo' (3 instances of v1, handler sluice:sleep) created; tasks are starting");
    }

    private void Produce(IProducer<string, string> producer, CancellationToken stop)
    {
        var watch = Stopwatch.StartNew();
        long sent = 0;
        while (!stop.IsCancellationRequested)
        {
            var due = (long)(watch.Elapsed.TotalSeconds * options.Rate);
            for (; sent < due; sent++)
            {
                producer.Produce(new TopicPartition(options.Topic, (int)(sent % options.Partitions)),
                    new Message<string, string> { Key = $"key-{sent % 1000}", Value = $"record {sent} at {DateTimeOffset.UtcNow:O}" });
            }
            stop.WaitHandle.WaitOne(10); // paces the demo load
        }
        producer.Flush(TimeSpan.FromSeconds(5));
    }

    private void PrintWelcome()
    {
        var api = $"http://127.0.0.1:{options.RestPort}";
        output.WriteLine($"""

            Sluice is running on this machine ({options.Rate} records/s into '{options.Topic}').
              REST API    {api}/api/v1/consumers
              dashboard   {api}/
              metrics     {api}/metrics
              status      {api}/api/v1/consumers/demo/status

            Try:
              # scale the demo consumer to 5 tasks (partitions move by handover, nothing lost)
              curl -X POST {api}/api/v1/consumers/demo/scale -H 'Content-Type: application/json' -d '{"{"}"instances": 5{"}"}'
              # blue/green deploy v2 in steps of 10 %, 50 %, 100 %
              curl -X POST {api}/api/v1/consumers/demo/deployments -H 'Content-Type: application/json' \
                -d '{"{"}"version": {"{"}"version": "v2", "handler": {"{"}"type": "sluice:sleep", "settings": {"{"}"sleepMs": "2"{"}"}{"}"}{"}"}, "strategy": {"{"}"steps": [10, 50, 100], "bakeSeconds": 10{"}"}{"}"}'
              # watch it happen
              curl -N {api}/api/v1/events
            The same with the CLI: dotnet cli/bin/Release/net10.0/sluice.dll --api {api} scale demo 5 --wait

            Ctrl-C stops everything.
            """);
    }

    private void Say(string line) => output.WriteLine("sluice-local: " + line);
}

/// <summary>Settings of <c>sluice-local up</c>.</summary>
internal sealed record LocalWorldOptions(
    string Home, string SchedulerDll, string Dotnet, int RestPort, int ControlPlanePort, int MesosPort, int Agents, string Topic, int Partitions, int Rate);
