using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sluice.Local.Mesos.Master;
using Sluice.Proto.Mesos.V1;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;
using ExecutorCall = Sluice.Proto.Mesos.V1.Executor.Call;
using ExecutorEvent = Sluice.Proto.Mesos.V1.Executor.Event;
using static Sluice.Local.Mesos.MesosApiHttp;

namespace Sluice.Local.Mesos.Agent;

/// <summary>
/// A Mesos-compatible agent: runs executors as real processes in per-run sandboxes, serves the
/// HTTP v1 executor API (<c>POST /api/v1/executor</c>) on its own loopback port (that is
/// <c>MESOS_AGENT_ENDPOINT</c>), runs command tasks under a built-in command executor, and sends
/// status updates to the master reliably (retried until the scheduler acknowledges them).
/// </summary>
/// <remarks>State lives on one <see cref="Actor"/>, like the master's.</remarks>
public sealed partial class LocalMesosAgent : IAsyncDisposable
{
    private static readonly TimeSpan MaxRetryBackoff = TimeSpan.FromMinutes(10);

    private readonly LocalMesosOptions _options;
    private readonly LocalMesosMaster _master;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Actor _actor;
    private readonly string _workDirectory;
    private readonly Dictionary<string, AgentFramework> _frameworks = new(StringComparer.Ordinal);
    private readonly Dictionary<(string FrameworkId, string TaskId), UpdateStream> _updates = [];
    private readonly List<ExecutorRun> _allRuns = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<ExecutorExit> _exitsWhileAway = [];
    private WebApplication? _app;
    private ITimer? _heartbeats;
    private AgentInfo _info = new();
    private AgentSession? _session;
    private ITimer? _reregistration;
    private bool _reregistering;
    private TimeSpan _registrationBackoff;

    private LocalMesosAgent(LocalMesosOptions options, LocalMesosMaster master, string workDirectory, int index)
    {
        _options = options;
        _master = master;
        _time = options.TimeProvider;
        _logger = options.LoggerFactory.CreateLogger<LocalMesosAgent>();
        _actor = new Actor($"agent{index}", _logger);
        _workDirectory = workDirectory;
        _registrationBackoff = options.RegistrationBackoffFactor;
    }

    /// <summary>The agent id the master gave it (<c>&lt;master id&gt;-S&lt;n&gt;</c>).</summary>
    public string Id => _info.Id.Value;

    public int Port { get; private set; }

    /// <summary><c>127.0.0.1:port</c>, as executors see it in <c>MESOS_AGENT_ENDPOINT</c>.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    public IReadOnlyList<Sluice.Proto.Mesos.V1.Attribute> Attributes => _info.Attributes;

    /// <summary>Starts the agent's endpoint and registers it with the master.</summary>
    public static async Task<LocalMesosAgent> StartAsync(LocalMesosOptions options, LocalMesosMaster master, string workDirectory, int index,
        CancellationToken cancellationToken = default)
    {
        var agent = new LocalMesosAgent(options, master, workDirectory, index);
        (agent._app, agent.Port) = await LoopbackHttpServer.StartAsync(0, options.LoggerFactory, app =>
        {
            app.Map("/api/v1/executor", agent.HandleExecutorAsync);
            app.MapGet("/health", (HttpContext context) => Task.CompletedTask);
        }, cancellationToken).ConfigureAwait(false);
        var info = new AgentInfo { Hostname = "localhost", Port = agent.Port };
        info.Resources.AddRange(ResourceText.ParseResources(options.AgentResources));
        info.Attributes.AddRange(ResourceText.ParseAttributes(options.AgentAttributes));
        var session = await master.RegisterAgentAsync(agent, info).ConfigureAwait(false);
        info.Id = session.AgentId;
        await agent._actor.Ask(() =>
        {
            agent._info = info;
            agent._session = session;
            return true;
        }).ConfigureAwait(false);
        Directory.CreateDirectory(Path.Combine(workDirectory, "slaves", info.Id.Value));
        agent._heartbeats = options.TimeProvider.CreateTimer(_ => agent._actor.Post(agent.SendHeartbeats), null,
            options.HeartbeatInterval, options.HeartbeatInterval);
        return agent;
    }

    /// <summary>Number of executor processes still running (for tests that check nothing is left behind).</summary>
    public Task<int> RunningProcessCountAsync() => _actor.Ask(() => _allRuns.Count(r => r.Process is not null && !r.Exited));

    /// <summary>Kills every process tree it started and waits (bounded) for them to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_heartbeats is not null)
        {
            await _heartbeats.DisposeAsync().ConfigureAwait(false);
        }
        var processes = await _actor.Ask(() =>
        {
            _reregistration?.Dispose();
            foreach (var stream in _updates.Values)
            {
                stream.Retry?.Dispose();
            }
            foreach (var run in _allRuns)
            {
                run.Stream?.Close();
                foreach (var timer in run.Timers)
                {
                    timer.Dispose();
                }
            }
            return _allRuns.Where(r => r.Process is not null).Select(r => r.Process!).ToList();
        }).ConfigureAwait(false);
        foreach (var process in processes)
        {
            process.KillTree();
        }
        try
        {
            await Task.WhenAll(processes.Select(p => p.Exited)).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogProcessesSurvived(Id);
        }
        await _actor.DisposeAsync().ConfigureAwait(false);
        if (_app is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(stop.Token).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
        _stopping.Dispose();
    }

    // ------------------------------------------------------------------
    // From the master (posted)
    // ------------------------------------------------------------------

    internal void LaunchTask(FrameworkInfo framework, TaskInfo task) => _actor.Post(() => Launch(framework, task));

    internal void KillTask(string frameworkId, string taskId, KillPolicy? policy) => _actor.Post(() => Kill(frameworkId, taskId, policy));

    internal void ShutdownExecutor(string frameworkId, string executorId) => _actor.Post(() =>
    {
        if (_frameworks.TryGetValue(frameworkId, out var framework) && framework.Executors.TryGetValue(executorId, out var run))
        {
            Shutdown(run, Termination.Shutdown);
        }
    });

    internal void ShutdownFramework(string frameworkId) => _actor.Post(() =>
    {
        if (!_frameworks.TryGetValue(frameworkId, out var framework))
        {
            return;
        }
        framework.Removed = true;
        foreach (var key in _updates.Keys.Where(k => k.FrameworkId == frameworkId).ToList())
        {
            _updates[key].Retry?.Dispose();
            _updates.Remove(key);
        }
        foreach (var run in framework.Executors.Values.ToList())
        {
            Shutdown(run, Termination.FrameworkRemoved);
        }
    });

    /// <summary>The scheduler acknowledged an update: drop it and send the task's next one.</summary>
    internal void Acknowledge(string frameworkId, string taskId, ByteString uuid) => _actor.Post(() =>
    {
        if (!_updates.TryGetValue((frameworkId, taskId), out var stream)
            || !stream.Pending.TryPeek(out var head) || head.Uuid != uuid)
        {
            return;
        }
        stream.Pending.Dequeue();
        stream.Retry?.Dispose();
        stream.Retry = null;
        stream.Backoff = _options.StatusUpdateRetryInterval;
        if (stream.Pending.Count > 0)
        {
            SendHead(frameworkId, stream);
        }
        else if (TaskStates.IsTerminal(stream.Latest))
        {
            _updates.Remove((frameworkId, taskId));
        }
    });

    /// <summary>The framework subscribed again: its unacknowledged updates are re-sent at once, backoff reset.</summary>
    internal void FrameworkFailedOver(string frameworkId) => _actor.Post(() => ResendPending(frameworkId));

    internal void FrameworkMessage(string frameworkId, string executorId, ByteString data) => _actor.Post(() =>
    {
        if (_frameworks.TryGetValue(frameworkId, out var framework) && framework.Executors.TryGetValue(executorId, out var run))
        {
            run.Stream?.Send(new ExecutorEvent
            {
                Type = ExecutorEvent.Types.Type.Message,
                Message = new ExecutorEvent.Types.Message { Data = data },
            });
        }
    });

    // ------------------------------------------------------------------
    // Launch
    // ------------------------------------------------------------------

    private void Launch(FrameworkInfo frameworkInfo, TaskInfo task)
    {
        var frameworkId = frameworkInfo.Id.Value;
        if (!_frameworks.TryGetValue(frameworkId, out var framework) || framework.Removed)
        {
            framework = new AgentFramework(frameworkInfo);
            _frameworks[frameworkId] = framework;
        }
        framework.Info = frameworkInfo;

        if (task.Executor is null)
        {
            // The built-in command executor: its executor id is the task id, as in Mesos.
            var info = new ExecutorInfo
            {
                ExecutorId = new ExecutorID { Value = task.TaskId.Value },
                FrameworkId = frameworkInfo.Id,
                Name = $"Command Executor (Task: {task.TaskId.Value}) (Command: {Abbreviate(task.Command)})",
                Command = task.Command,
            };
            var run = NewRun(framework, info, isCommand: true);
            run.Tasks[task.TaskId.Value] = new AgentTask(task);
            StartRun(framework, run, task.Command);
            return;
        }

        var executorId = task.Executor.ExecutorId.Value;
        if (framework.Executors.TryGetValue(executorId, out var existing))
        {
            if (existing.Termination != Termination.None)
            {
                SendAgentUpdate(existing, task.TaskId, TaskState.TaskLost, TaskStatus.Types.Reason.ExecutorTerminated, "Executor is terminating");
                return;
            }
            existing.Tasks[task.TaskId.Value] = new AgentTask(task);
            if (existing.Subscribed)
            {
                SendLaunch(existing, task);
            }
            else
            {
                existing.Queued.Add(task);
            }
            return;
        }
        var newRun = NewRun(framework, task.Executor, isCommand: false);
        newRun.Tasks[task.TaskId.Value] = new AgentTask(task);
        newRun.Queued.Add(task);
        StartRun(framework, newRun, task.Executor.Command);
    }

    private ExecutorRun NewRun(AgentFramework framework, ExecutorInfo info, bool isCommand)
    {
        var containerId = Guid.NewGuid().ToString();
        var directory = Path.Combine(_workDirectory, "slaves", Id, "frameworks", framework.Id, "executors", info.ExecutorId.Value, "runs", containerId);
        Directory.CreateDirectory(directory);
        var run = new ExecutorRun(framework.Id, info, isCommand, containerId, directory);
        framework.Executors[run.ExecutorId] = run;
        _allRuns.Add(run);
        return run;
    }

    /// <summary>Fetches the URIs (off the actor), then starts the process and the registration timer.</summary>
    private void StartRun(AgentFramework framework, ExecutorRun run, CommandInfo command)
    {
        _ = Task.Run(async () =>
        {
            string? error = null;
            try
            {
                await Fetcher.FetchAsync(command.Uris, run.Directory, _stopping.Token).ConfigureAwait(false);
            }
            catch (FetchException ex)
            {
                error = ex.Message;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _actor.Post(() => Spawn(framework, run, command, error));
        });
    }

    private void Spawn(AgentFramework framework, ExecutorRun run, CommandInfo command, string? fetchError)
    {
        if (run.Termination != Termination.None || _stopping.IsCancellationRequested)
        {
            // Killed or shut down while fetching.
            Terminated(run, exitCode: null);
            return;
        }
        if (fetchError is null)
        {
            try
            {
                run.Process = ExecutorProcess.Start(command, Environment(framework, run, command), run.Directory);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
            {
                fetchError = $"Failed to launch container: {ex.Message}";
            }
        }
        if (fetchError is not null)
        {
            LogLaunchFailed(run.ExecutorId, fetchError);
            run.Termination = Termination.LaunchFailed;
            foreach (var task in run.Tasks.Values)
            {
                SendAgentUpdate(run, task.Info.TaskId, TaskState.TaskFailed, TaskStatus.Types.Reason.ContainerLaunchFailed, fetchError);
            }
            Terminated(run, exitCode: null);
            return;
        }
        var process = run.Process!;
        LogSpawned(run.ExecutorId, process.Pid, run.Directory);
        _ = process.Exited.ContinueWith(t => _actor.Post(() => Terminated(run, t.Result)), TaskScheduler.Default);
        if (run.IsCommand)
        {
            // The built-in command executor reports the command's progress itself.
            var task = run.Tasks.Values.Single();
            SendExecutorUpdate(run, task, TaskState.TaskStarting, null);
            SendExecutorUpdate(run, task, TaskState.TaskRunning, null);
            return;
        }
        run.Timers.Add(_actor.Schedule(_time, _options.ExecutorRegistrationTimeout, () =>
        {
            if (!run.Exited && !run.EverSubscribed && run.Termination == Termination.None)
            {
                LogRegistrationTimeout(run.ExecutorId);
                run.Termination = Termination.RegistrationTimeout;
                run.Process?.KillTree();
            }
        }));
    }

    /// <summary>The environment Mesos' agent gives an executor (slave.cpp executorEnvironment).</summary>
    private Dictionary<string, string> Environment(AgentFramework framework, ExecutorRun run, CommandInfo command)
    {
        var checkpoint = framework.Info.Checkpoint;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["MESOS_FRAMEWORK_ID"] = framework.Id,
            ["MESOS_EXECUTOR_ID"] = run.ExecutorId,
            ["MESOS_DIRECTORY"] = run.Directory,
            // No container image here, so the sandbox path inside is the host path.
            ["MESOS_SANDBOX"] = run.Directory,
            ["MESOS_AGENT_ENDPOINT"] = Endpoint,
            ["MESOS_SLAVE_ID"] = Id,
            ["MESOS_SLAVE_PID"] = $"slave(1)@{Endpoint}",
            ["MESOS_CHECKPOINT"] = checkpoint ? "1" : "0",
            // The local agent's command executor is built in (not an HTTP executor process).
            ["MESOS_HTTP_COMMAND_EXECUTOR"] = "0",
            ["MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD"] = MesosDuration.Format(run.ShutdownGracePeriod(_options.ExecutorShutdownGracePeriod)),
        };
        if (checkpoint)
        {
            // As Mesos: only for checkpointing frameworks (agent defaults --recovery_timeout=15mins,
            // --executor_reregistration_timeout=2secs).
            environment["MESOS_RECOVERY_TIMEOUT"] = "15mins";
            environment["MESOS_SUBSCRIPTION_BACKOFF_MAX"] = "2secs";
        }
        if (run.IsCommand)
        {
            environment["MESOS_TASK_ID"] = run.ExecutorId;
        }
        if (command.Environment is { } variables)
        {
            foreach (var variable in variables.Variables)
            {
                if (variable.Type != Sluice.Proto.Mesos.V1.Environment.Types.Variable.Types.Type.Secret)
                {
                    environment[variable.Name] = variable.Value;
                }
            }
        }
        return environment;
    }

    private static string Abbreviate(CommandInfo command)
    {
        var text = command.Shell ? command.Value : string.Join(' ', command.Arguments.DefaultIfEmpty(command.Value));
        return text.Length > 40 ? text[..40] + "..." : text;
    }
}

/// <summary>A framework as an agent knows it: its info and executors.</summary>
internal sealed class AgentFramework(FrameworkInfo info)
{
    public FrameworkInfo Info { get; set; } = info;

    public string Id => Info.Id.Value;

    /// <summary>Set when the master removed the framework: its updates are dropped, its executors ending.</summary>
    public bool Removed { get; set; }

    public Dictionary<string, ExecutorRun> Executors { get; } = new(StringComparer.Ordinal);
}
