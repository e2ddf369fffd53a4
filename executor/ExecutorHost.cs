using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Sluice.Executor.ControlPlane;
using Sluice.Executor.Tasks;
using Sluice.Mesos.Executor;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Executor;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Executor;

/// <summary>
/// The executor process (DESIGN.md §3.2): subscribes to its agent, starts a <see cref="ConsumerTask"/>
/// per LAUNCH, stops tasks cleanly (commit first) on KILL, SHUTDOWN or the scheduler's Stop,
/// reports every state change as a TaskStatus update, and hands the scheduler's leader hints
/// (MESSAGE) to its tasks' control-plane links.
/// </summary>
internal sealed partial class ExecutorHost(ExecutorEnvironment environment, ILoggerFactory loggers)
{
    private readonly ILogger<ExecutorHost> _logger = loggers.CreateLogger<ExecutorHost>();
    private readonly ConcurrentDictionary<string, ConsumerTask> _tasks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _work = new(StringComparer.Ordinal);
    private readonly LeaderHintReceiver _hints = new(loggers.CreateLogger<LeaderHintReceiver>());

    /// <summary>Runs until the agent says SHUTDOWN, the connection is given up, or every task ended.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var client = new MesosExecutorClientBuilder(environment).UseLoggerFactory(loggers).Build();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var launched = 0;
        try
        {
            await foreach (var e in client.SubscribeAsync(stop.Token))
            {
                switch (e.Type)
                {
                    case Event.Types.Type.Subscribed:
                        LogSubscribed(environment.ExecutorId, environment.AgentEndpoint.ToString());
                        break;
                    case Event.Types.Type.Launch:
                        launched++;
                        Track(e.Launch.Task.TaskId.Value, LaunchAsync(client, e.Launch.Task, stop.Token));
                        break;
                    case Event.Types.Type.Kill:
                        Track("kill:" + e.Kill.TaskId.Value, StopTaskAsync(client, e.Kill.TaskId.Value, TaskState.TaskKilled, "killed by the scheduler", stop.Token));
                        break;
                    case Event.Types.Type.Shutdown:
                        LogShutdown(environment.ShutdownGracePeriod.TotalSeconds);
                        using (var grace = new CancellationTokenSource(environment.ShutdownGracePeriod))
                        {
                            await Task.WhenAll(_tasks.Keys.Select(id => StopTaskAsync(client, id, TaskState.TaskKilled, "executor shut down", grace.Token)));
                        }
                        await WaitForAcknowledgementsAsync(client, TimeSpan.FromSeconds(2));
                        return 0;
                    case Event.Types.Type.Message:
                        // The scheduler's only message is a leader hint (after a failover); garbage is logged and dropped.
                        _hints.Receive(e.Message?.Data ?? ByteString.Empty, _tasks.Values.Select(t => t.Link));
                        break;
                    case Event.Types.Type.Error:
                        LogAgentError(e.Error.Message);
                        break;
                }
                if (launched > 0 && _tasks.IsEmpty && _work.IsEmpty)
                {
                    // Every task ended: exit once the agent has stored the final updates (MESOS.md §3).
                    await WaitForAcknowledgementsAsync(client, TimeSpan.FromSeconds(5));
                    return 0;
                }
            }
            LogConnectionGivenUp();
            return 1;
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var task in _tasks.Values)
            {
                await task.DisposeAsync();
            }
        }
    }

    private void Track(string key, Task work)
    {
        _work[key] = work;
        _ = work.ContinueWith(_ => _work.TryRemove(key, out var _), TaskScheduler.Default);
    }

    private async Task LaunchAsync(MesosExecutorClient client, TaskInfo info, CancellationToken cancellationToken)
    {
        var taskId = info.TaskId.Value;
        await UpdateAsync(client, taskId, TaskState.TaskStarting, null, cancellationToken);
        ConsumerTask task;
        try
        {
            var data = TaskDataMapping.Parse(info.Data);
            task = await ConsumerTask.StartAsync(taskId, environment.ExecutorId, environment.Sandbox, data, loggers, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLaunchFailed(taskId, ex.Message);
            await UpdateAsync(client, taskId, TaskState.TaskFailed, $"could not start: {ex.Message}", cancellationToken);
            return;
        }
        _tasks[taskId] = task;
        await UpdateAsync(client, taskId, TaskState.TaskRunning, null, cancellationToken);
        LogRunning(taskId);

        var reason = await task.StopRequested.WaitAsync(cancellationToken);
        await StopTaskAsync(client, taskId, TaskState.TaskFinished, $"stopped by the scheduler: {reason}", cancellationToken);
    }

    private async Task StopTaskAsync(MesosExecutorClient client, string taskId, TaskState terminal, string message, CancellationToken cancellationToken)
    {
        if (!_tasks.TryRemove(taskId, out var task))
        {
            // Mesos: a KILL for a task this executor does not run is answered with TASK_LOST.
            if (terminal == TaskState.TaskKilled && !_work.ContainsKey(taskId))
            {
                await UpdateAsync(client, taskId, TaskState.TaskLost, "not running on this executor", cancellationToken);
            }
            return;
        }
        try
        {
            await task.StopAsync(cancellationToken);
            await UpdateAsync(client, taskId, terminal, message, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await UpdateAsync(client, taskId, TaskState.TaskFailed, $"stopping failed: {ex.Message}", CancellationToken.None);
        }
        finally
        {
            await task.DisposeAsync();
        }
        LogStopped(taskId, terminal.ToString(), message);
    }

    private static Task UpdateAsync(MesosExecutorClient client, string taskId, TaskState state, string? message, CancellationToken cancellationToken)
    {
        var status = new TaskStatus { TaskId = new TaskID { Value = taskId }, State = state };
        if (message is not null)
        {
            status.Message = message;
        }
        return client.SendUpdateAsync(status, cancellationToken);
    }

    private static async Task WaitForAcknowledgementsAsync(MesosExecutorClient client, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (client.UnacknowledgedUpdates.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "[Subscribed] executor {ExecutorId} subscribed to the agent at {Agent}")]
    private partial void LogSubscribed(string executorId, string agent);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "[Launch] task {TaskId} is running")]
    private partial void LogRunning(string taskId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "[Launch] task {TaskId} could not start: {Reason}")]
    private partial void LogLaunchFailed(string taskId, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "[Kill] task {TaskId} ended {State}: {Reason}")]
    private partial void LogStopped(string taskId, string state, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "[Shutdown] stopping every task within {GraceSeconds} s")]
    private partial void LogShutdown(double graceSeconds);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "[Error] the agent reported: {Message}")]
    private partial void LogAgentError(string message);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "[Subscribed] lost the agent and gave up reconnecting: exiting")]
    private partial void LogConnectionGivenUp();
}
