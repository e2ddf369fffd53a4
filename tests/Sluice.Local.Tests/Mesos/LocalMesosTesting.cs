using Sluice.Testing.Mesos;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Sluice.Local.Mesos;
using Sluice.Proto.Mesos.V1;

namespace Sluice.Local.Tests.Mesos;

/// <summary>Short timings, task builders and probes shared by the local-Mesos tests.</summary>
internal static class LocalMesosTesting
{
    /// <summary>Generous bound for things that take a process start (dotnet executors on 2 busy cores).</summary>
    public static readonly TimeSpan Slow = TimeSpan.FromSeconds(30);

    /// <summary>Bound for things the master does by itself.</summary>
    public static readonly TimeSpan Quick = TimeSpan.FromSeconds(10);

    public static Task<LocalMesosWorld> StartWorldAsync(int agents = 1, string? attributes = null, Action<LocalMesosOptions>? configure = null)
    {
        var options = new LocalMesosOptions
        {
            AgentCount = agents,
            AgentResources = "cpus:4;mem:8192;disk:10240;ports:[31000-32000]",
            AgentAttributes = attributes,
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            AllocationInterval = TimeSpan.FromMilliseconds(100),
            StatusUpdateRetryInterval = TimeSpan.FromMilliseconds(500),
            ExecutorRegistrationTimeout = TimeSpan.FromSeconds(40),
            ExecutorShutdownGracePeriod = TimeSpan.FromSeconds(2),
            DefaultKillGracePeriod = TimeSpan.FromSeconds(2),
        };
        configure?.Invoke(options);
        return LocalMesosWorld.StartAsync(options);
    }

    public static Resource Scalar(string name, double value) => MesosTestTasks.Scalar(name, value);

    public static TaskInfo CommandTask(Offer offer, string taskId, string command, double cpus = 0.1, double mem = 32)
    {
        var task = new TaskInfo
        {
            Name = taskId,
            TaskId = new TaskID { Value = taskId },
            AgentId = offer.AgentId,
            Command = new CommandInfo { Value = command },
        };
        task.Resources.Add(Scalar("cpus", cpus));
        task.Resources.Add(Scalar("mem", mem));
        return task;
    }

    /// <summary>A task for the test executor (a real dotnet process); <paramref name="mode"/> goes in TaskInfo.data.</summary>
    public static TaskInfo ExecutorTask(Offer offer, string taskId, string executorId, string mode = "run")
    {
        var command = MesosTestTasks.DotnetCommand(TestExecutorDll);
        command.Environment = new Sluice.Proto.Mesos.V1.Environment();
        command.Environment.Variables.Add(new Sluice.Proto.Mesos.V1.Environment.Types.Variable { Name = "SLUICE_TEST_VALUE", Value = "from-command-info" });
        var executor = new ExecutorInfo
        {
            Type = ExecutorInfo.Types.Type.Custom,
            ExecutorId = new ExecutorID { Value = executorId },
            Name = "sluice test executor",
            Command = command,
        };
        executor.Resources.Add(Scalar("cpus", 0.1));
        executor.Resources.Add(Scalar("mem", 64));
        var task = new TaskInfo
        {
            Name = taskId,
            TaskId = new TaskID { Value = taskId },
            AgentId = offer.AgentId,
            Executor = executor,
            Data = ByteString.CopyFromUtf8(mode),
        };
        task.Resources.Add(Scalar("cpus", 0.5));
        task.Resources.Add(Scalar("mem", 128));
        return task;
    }

    /// <summary>The dotnet host running the tests (the SDK sets DOTNET_HOST_PATH for test runs).</summary>
    public static string DotnetHost => MesosTestTasks.DotnetHost;

    /// <summary>Sluice.Local.TestExecutor.dll: copied next to the tests by the project reference.</summary>
    public static string TestExecutorDll
    {
        get
        {
            var copied = Path.Combine(AppContext.BaseDirectory, "Sluice.Local.TestExecutor.dll");
            if (File.Exists(copied) && File.Exists(Path.ChangeExtension(copied, ".runtimeconfig.json")))
            {
                return copied;
            }
            // bin/<Configuration>/<tfm>/ of the tests -> the executor project's own output.
            var baseDir = new DirectoryInfo(AppContext.BaseDirectory);
            var tfm = baseDir.Name;
            var configuration = baseDir.Parent!.Name;
            var own = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Sluice.Local.TestExecutor", "bin", configuration, tfm, "Sluice.Local.TestExecutor.dll"));
            return File.Exists(own) ? own : throw new FileNotFoundException("Sluice.Local.TestExecutor.dll is not built", own);
        }
    }

    public static async Task<JsonObject> MasterStateAsync(LocalMesosWorld world)
    {
        using var http = new HttpClient { BaseAddress = world.MasterUrl };
        var text = await http.GetStringAsync("/master/state");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>"KEY=value" lines the test executor puts in its TASK_RUNNING data.</summary>
    public static Dictionary<string, string> Report(ByteString data) =>
        data.ToStringUtf8().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : "", StringComparer.Ordinal);

    public static bool ProcessAlive(int pid) => Directory.Exists($"/proc/{pid}") && !IsZombie(pid);

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var afterName = stat[(stat.LastIndexOf(')') + 2)..];
            return afterName.StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
