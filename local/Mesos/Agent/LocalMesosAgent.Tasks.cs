using Sluice.Proto.Mesos.V1;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;
using ExecutorEvent = Sluice.Proto.Mesos.V1.Executor.Event;

namespace Sluice.Local.Mesos.Agent;

public sealed partial class LocalMesosAgent
{
    // ------------------------------------------------------------------
    // Kill and shutdown
    // ------------------------------------------------------------------

    private void Kill(string frameworkId, string taskId, KillPolicy? policy)
    {
        if (!_frameworks.TryGetValue(frameworkId, out var framework))
        {
            return;
        }
        var run = framework.Executors.Values.FirstOrDefault(r => r.Tasks.ContainsKey(taskId));
        if (run is null || TaskStates.IsTerminal(run.Tasks[taskId].State))
        {
            return;
        }
        var task = run.Tasks[taskId];
        task.KillRequested = true;
        var grace = GracePeriod(policy ?? task.Info.KillPolicy);
        LogKilling(taskId, run.ExecutorId);

        if (run.IsCommand)
        {
            if (run.Process is null)
            {
                // Still fetching: the launch is abandoned.
                SendExecutorUpdate(run, task, TaskState.TaskKilled, TaskStatus.Types.Reason.TaskKilledDuringLaunch);
                run.Termination = Termination.Shutdown;
                return;
            }
            // The command executor: TASK_KILLING (if the framework understands it), SIGTERM, and
            // SIGKILL after the grace period.
            if (framework.Info.Capabilities.Any(c => c.Type == FrameworkInfo.Types.Capability.Types.Type.TaskKillingState))
            {
                SendExecutorUpdate(run, task, TaskState.TaskKilling, null);
            }
            run.Process.Terminate();
            run.Timers.Add(_actor.Schedule(_time, grace, () =>
            {
                if (!run.Exited)
                {
                    run.Process.KillTree();
                }
            }));
            return;
        }

        var queued = run.Queued.FindIndex(t => t.TaskId.Value == taskId);
        if (queued >= 0)
        {
            // Not delivered to the executor yet: Mesos answers TASK_KILLED itself.
            run.Queued.RemoveAt(queued);
            SendAgentUpdate(run, task.Info.TaskId, TaskState.TaskKilled, TaskStatus.Types.Reason.TaskKilledDuringLaunch, "Killed before delivery to the executor");
            if (run.Tasks.Values.All(t => TaskStates.IsTerminal(t.State)))
            {
                Shutdown(run, Termination.Shutdown);
            }
            return;
        }

        var kill = new ExecutorEvent.Types.Kill { TaskId = task.Info.TaskId };
        if (policy is not null)
        {
            kill.KillPolicy = policy;
        }
        run.Stream?.Send(new ExecutorEvent { Type = ExecutorEvent.Types.Type.Kill, Kill = kill });
        // Deviation: Mesos leaves a custom executor's kill to the executor. The local agent
        // escalates, so a stuck executor cannot keep a task alive: SIGTERM after the kill grace
        // period, SIGKILL after the executor's shutdown grace period.
        run.Timers.Add(_actor.Schedule(_time, grace, () =>
        {
            if (run.Exited || TaskStates.IsTerminal(task.State))
            {
                return;
            }
            LogEscalating(taskId, run.ExecutorId);
            run.Process?.Terminate();
            run.Timers.Add(_actor.Schedule(_time, run.ShutdownGracePeriod(_options.ExecutorShutdownGracePeriod), () =>
            {
                if (!run.Exited)
                {
                    run.Process?.KillTree();
                }
            }));
        }));
    }

    /// <summary>SHUTDOWN to the executor, then the process tree is killed after its shutdown grace period.</summary>
    private void Shutdown(ExecutorRun run, Termination why)
    {
        if (run.Exited)
        {
            return;
        }
        if (run.Termination == Termination.None)
        {
            run.Termination = why;
        }
        if (run.Process is null)
        {
            // Still fetching; Spawn sees the termination and settles the run.
            return;
        }
        if (run.IsCommand)
        {
            foreach (var task in run.Tasks.Values)
            {
                task.KillRequested = true;
            }
            run.Process.Terminate();
            run.Timers.Add(_actor.Schedule(_time, GracePeriod(run.Tasks.Values.Single().Info.KillPolicy), () =>
            {
                if (!run.Exited)
                {
                    run.Process.KillTree();
                }
            }));
            return;
        }
        if (!run.Subscribed)
        {
            run.Process.KillTree();
            return;
        }
        run.Stream!.Send(new ExecutorEvent { Type = ExecutorEvent.Types.Type.Shutdown });
        run.Timers.Add(_actor.Schedule(_time, run.ShutdownGracePeriod(_options.ExecutorShutdownGracePeriod), () =>
        {
            if (!run.Exited)
            {
                run.Process.KillTree();
            }
        }));
    }

    private TimeSpan GracePeriod(KillPolicy? policy) =>
        policy?.GracePeriod is { } grace ? TimeSpan.FromTicks(Math.Max(0, grace.Nanoseconds / 100)) : _options.DefaultKillGracePeriod;

    // ------------------------------------------------------------------
    // Executor (or command) termination
    // ------------------------------------------------------------------

    /// <summary>
    /// The run is over (process exited, or it never started). Tasks still open get their terminal
    /// update from the agent; the master learns the executor is gone.
    /// </summary>
    private void Terminated(ExecutorRun run, int? exitCode)
    {
        if (run.Exited)
        {
            return;
        }
        run.Exited = true;
        run.Stream?.Close();
        run.Stream = null;
        foreach (var timer in run.Timers)
        {
            timer.Dispose();
        }
        run.Timers.Clear();
        _allRuns.Remove(run);
        LogTerminated(run.ExecutorId, exitCode);
        _frameworks.TryGetValue(run.FrameworkId, out var framework);
        if (framework is not null && framework.Executors.TryGetValue(run.ExecutorId, out var current) && ReferenceEquals(current, run))
        {
            framework.Executors.Remove(run.ExecutorId);
        }
        if (framework is null || framework.Removed)
        {
            return;
        }

        if (run.IsCommand)
        {
            var task = run.Tasks.Values.Single();
            if (!TaskStates.IsTerminal(task.State) && exitCode is { } code)
            {
                var signal = code > 128 && code <= 128 + 64 ? code - 128 : 0;
                if (task.KillRequested)
                {
                    SendExecutorUpdate(run, task, TaskState.TaskKilled, null,
                        signal > 0 ? $"Command terminated with signal {SignalName(signal)}" : $"Command exited with status {code}");
                }
                else if (code == 0)
                {
                    SendExecutorUpdate(run, task, TaskState.TaskFinished, null, "Command exited with status 0");
                }
                else
                {
                    SendExecutorUpdate(run, task, TaskState.TaskFailed, TaskStatus.Types.Reason.CommandExecutorFailed,
                        signal > 0 ? $"Command terminated with signal {SignalName(signal)}" : $"Command exited with status {code}");
                }
            }
            return;
        }

        foreach (var task in run.Tasks.Values.Where(t => !TaskStates.IsTerminal(t.State)))
        {
            // Which terminal state: the registration timeout has its own reason; a task being killed
            // ends KILLED; after a SHUTDOWN the rest is LOST (docs/executor-http-api.md); otherwise
            // the executor died under its tasks: FAILED with REASON_EXECUTOR_TERMINATED.
            var (state, reason, message) = run.Termination switch
            {
                Termination.RegistrationTimeout => (TaskState.TaskFailed, TaskStatus.Types.Reason.ExecutorRegistrationTimeout,
                    "Executor did not register within " + MesosDuration.Format(_options.ExecutorRegistrationTimeout)),
                Termination.LaunchFailed => (TaskState.TaskFailed, TaskStatus.Types.Reason.ContainerLaunchFailed, "Failed to launch container"),
                _ when task.KillRequested => (TaskState.TaskKilled, TaskStatus.Types.Reason.ExecutorTerminated, "Executor terminated while killing the task"),
                Termination.Shutdown => (TaskState.TaskLost, TaskStatus.Types.Reason.ExecutorTerminated, "Executor was shut down"),
                _ => (TaskState.TaskFailed, TaskStatus.Types.Reason.ExecutorTerminated, "Executor terminated"),
            };
            SendAgentUpdate(run, task.Info.TaskId, state, reason, message);
        }
        run.Queued.Clear();
        // Mesos sends the wait status: exit code << 8, or the signal number.
        var waitStatus = exitCode is { } exit ? (exit > 128 && exit <= 128 + 64 ? exit - 128 : exit << 8) : -1;
        ExecutorExited(new ExecutorExit(run.FrameworkId, run.ExecutorId, waitStatus));
    }

    private static string SignalName(int signal) => signal switch
    {
        9 => "Killed",
        15 => "Terminated",
        2 => "Interrupt",
        6 => "Aborted",
        11 => "Segmentation fault",
        _ => $"{signal}",
    };

    // ------------------------------------------------------------------
    // Status updates: generated here, stored per task, sent to the master until acknowledged
    // ------------------------------------------------------------------

    /// <summary>An update the agent itself generates (source AGENT); reliable, so it has a uuid.</summary>
    private void SendAgentUpdate(ExecutorRun run, TaskID taskId, TaskState state, TaskStatus.Types.Reason reason, string message)
    {
        Enqueue(run.FrameworkId, run.Tasks.GetValueOrDefault(taskId.Value), new TaskStatus
        {
            TaskId = taskId,
            State = state,
            Source = TaskStatus.Types.Source.Agent,
            Reason = reason,
            Message = message,
            AgentId = _info.Id,
            ExecutorId = run.Info.ExecutorId,
            Timestamp = TaskStates.Now(_time),
            Uuid = TaskStates.NewUuid(),
        });
    }

    /// <summary>An update of the built-in command executor (source EXECUTOR, as Mesos' command executor).</summary>
    private void SendExecutorUpdate(ExecutorRun run, AgentTask task, TaskState state, TaskStatus.Types.Reason? reason, string? message = null)
    {
        var status = new TaskStatus
        {
            TaskId = task.Info.TaskId,
            State = state,
            Source = TaskStatus.Types.Source.Executor,
            AgentId = _info.Id,
            ExecutorId = run.Info.ExecutorId,
            Timestamp = TaskStates.Now(_time),
            Uuid = TaskStates.NewUuid(),
        };
        if (reason is { } r)
        {
            status.Reason = r;
        }
        if (message is not null)
        {
            status.Message = message;
        }
        Enqueue(run.FrameworkId, task, status);
    }

    /// <summary>Stores <paramref name="status"/> as the latest of <paramref name="task"/> (if the agent knows it) and queues it for the master.</summary>
    private void Enqueue(string frameworkId, AgentTask? task, TaskStatus status)
    {
        if (task is not null)
        {
            task.State = status.State;
            task.Latest = status;
        }
        if (_frameworks.TryGetValue(frameworkId, out var framework) && framework.Removed)
        {
            return;
        }
        var key = (frameworkId, status.TaskId.Value);
        if (!_updates.TryGetValue(key, out var stream))
        {
            stream = new UpdateStream { Backoff = _options.StatusUpdateRetryInterval };
            _updates[key] = stream;
        }
        stream.Pending.Enqueue(status);
        stream.Latest = status.State;
        // Kept for a re-registration report: the task may outlive its run while updates wait.
        stream.Task ??= task;
        if (stream.Pending.Count == 1)
        {
            SendHead(frameworkId, stream);
        }
    }

    /// <summary>Sends the oldest unacknowledged update and arms its retry (doubling, capped at 10 min as in Mesos).</summary>
    private void SendHead(string frameworkId, UpdateStream stream)
    {
        if (_session is null)
        {
            // As Mesos' status update manager while the agent has no master: paused. The updates
            // wait in order and all go out again once the agent has registered (ResendPending).
            return;
        }
        var head = stream.Pending.Peek();
        _master.OnStatusUpdate(Id, frameworkId, head, stream.Latest);
        stream.Retry?.Dispose();
        stream.Retry = _actor.Schedule(_time, stream.Backoff, () =>
        {
            if (stream.Pending.TryPeek(out var current) && current.Uuid == head.Uuid
                && _updates.TryGetValue((frameworkId, head.TaskId.Value), out var same) && ReferenceEquals(same, stream))
            {
                LogRetrying(head.TaskId.Value, head.State.ToString());
                stream.Backoff = TimeSpan.FromTicks(Math.Min(stream.Backoff.Ticks * 2, MaxRetryBackoff.Ticks));
                SendHead(frameworkId, stream);
            }
        });
    }
}
