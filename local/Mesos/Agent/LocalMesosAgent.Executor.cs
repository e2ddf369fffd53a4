using Microsoft.AspNetCore.Http;
using Sluice.Proto.Mesos.V1;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;
using ExecutorCall = Sluice.Proto.Mesos.V1.Executor.Call;
using ExecutorEvent = Sluice.Proto.Mesos.V1.Executor.Event;
using static Sluice.Local.Mesos.MesosApiHttp;

namespace Sluice.Local.Mesos.Agent;

public sealed partial class LocalMesosAgent
{
    /// <summary><c>POST /api/v1/executor</c>: SUBSCRIBE opens the event stream, other calls answer 202.</summary>
    private async Task HandleExecutorAsync(HttpContext context)
    {
        var (call, accept, refusal) = await ReadCallAsync(context, ExecutorCall.Parser).ConfigureAwait(false);
        if (refusal is not null)
        {
            await RefuseAsync(context, refusal).ConfigureAwait(false);
            return;
        }
        if (call!.Type == ExecutorCall.Types.Type.Subscribe)
        {
            var (stream, run, subscribeRefusal) = await _actor.Ask(() => Subscribe(call, accept)).ConfigureAwait(false);
            if (subscribeRefusal is not null)
            {
                await RefuseAsync(context, subscribeRefusal).ConfigureAwait(false);
                return;
            }
            await StreamAsync(context, accept, null, stream!.Reader).ConfigureAwait(false);
            _actor.Post(() => ExecutorDisconnected(run!, stream));
            return;
        }
        var result = await _actor.Ask(() => HandleCall(call)).ConfigureAwait(false);
        if (result is not null)
        {
            await RefuseAsync(context, result).ConfigureAwait(false);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private (ExecutorRun? Run, Refusal? Refusal) Find(ExecutorCall call)
    {
        if (!_frameworks.TryGetValue(call.FrameworkId.Value, out var framework))
        {
            return (null, new Refusal(400, "Framework cannot be found"));
        }
        if (!framework.Executors.TryGetValue(call.ExecutorId.Value, out var run) || run.IsCommand)
        {
            return (null, new Refusal(400, "Executor cannot be found"));
        }
        return (run, null);
    }

    private (EventStream? Stream, ExecutorRun? Run, Refusal? Refusal) Subscribe(ExecutorCall call, WireEncoding encoding)
    {
        var (run, refusal) = Find(call);
        if (refusal is not null)
        {
            return (null, null, refusal);
        }
        if (run!.Termination != Termination.None || run.Exited)
        {
            return (null, null, new Refusal(400, "Executor is terminating"));
        }
        // A re-subscription replaces the old connection.
        run.Stream?.Close();
        var stream = new EventStream(null, encoding);
        run.Stream = stream;
        run.EverSubscribed = true;
        var framework = _frameworks[run.FrameworkId];
        LogExecutorSubscribed(run.ExecutorId, run.FrameworkId);
        stream.Send(new ExecutorEvent
        {
            Type = ExecutorEvent.Types.Type.Subscribed,
            Subscribed = new ExecutorEvent.Types.Subscribed
            {
                ExecutorInfo = run.Info,
                FrameworkInfo = framework.Info,
                AgentInfo = _info,
                ContainerId = new ContainerID { Value = run.ContainerId },
            },
        });
        // Updates the executor still holds are taken (once); tasks it already knows are not
        // launched again; the rest of the queue is launched now.
        var subscribe = call.Subscribe ?? new ExecutorCall.Types.Subscribe();
        foreach (var update in subscribe.UnacknowledgedUpdates)
        {
            TakeUpdate(run, update.Status);
        }
        var known = subscribe.UnacknowledgedTasks.Select(t => t.TaskId.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var task in run.Queued.Where(t => !known.Contains(t.TaskId.Value)))
        {
            SendLaunch(run, task);
        }
        run.Queued.Clear();
        return (stream, run, null);
    }

    private MesosApiHttp.Refusal? HandleCall(ExecutorCall call)
    {
        var (run, refusal) = Find(call);
        if (refusal is not null)
        {
            return refusal;
        }
        switch (call.Type)
        {
            case ExecutorCall.Types.Type.Update:
                var status = call.Update?.Status;
                if (status is null)
                {
                    return new Refusal(400, "Expecting 'update' to be present");
                }
                if (!status.HasUuid || status.Uuid.Length != 16)
                {
                    return new Refusal(400, "Expecting 'uuid' to be present and 16 bytes");
                }
                if (status.State == TaskState.TaskStaging)
                {
                    return new Refusal(400, "Received TASK_STAGING from executor");
                }
                if (status.ExecutorId is not null && status.ExecutorId.Value != run!.ExecutorId)
                {
                    return new Refusal(400, $"ExecutorID in Call: {run.ExecutorId} does not match ExecutorID in TaskStatus: {status.ExecutorId.Value}");
                }
                TakeUpdate(run!, status);
                return null;
            case ExecutorCall.Types.Type.Message:
                if (call.Message is null)
                {
                    return new Refusal(400, "Expecting 'message' to be present");
                }
                if (_session is not null)
                {
                    // MESSAGE is unreliable in Mesos: with no master to pass it to, it is dropped.
                    _master.OnExecutorMessage(Id, run!.FrameworkId, run.ExecutorId, call.Message.Data);
                }
                return null;
            case ExecutorCall.Types.Type.Heartbeat:
                return null;
            default:
                return new Refusal(400, $"Unexpected call type {call.Type}");
        }
    }

    /// <summary>
    /// An update from the executor: stored, ACKNOWLEDGED to the executor right away, and forwarded
    /// to the master. As in Mesos, the agent acknowledges to the executor once it has stored the
    /// update (Mesos: checkpointed), not when the scheduler acknowledges; from then on the agent
    /// owns its delivery and retries it to the master until the scheduler's acknowledgement.
    /// </summary>
    private void TakeUpdate(ExecutorRun run, TaskStatus status)
    {
        var fresh = run.SeenUpdates.Add(status.Uuid);
        if (fresh)
        {
            var stored = status.Clone();
            stored.AgentId = _info.Id;
            stored.ExecutorId ??= run.Info.ExecutorId;
            if (!stored.HasTimestamp)
            {
                stored.Timestamp = TaskStates.Now(_time);
            }
            if (!stored.HasSource)
            {
                stored.Source = TaskStatus.Types.Source.Executor;
            }
            Enqueue(run.FrameworkId, run.Tasks.GetValueOrDefault(status.TaskId.Value), stored);
        }
        run.Stream?.Send(new ExecutorEvent
        {
            Type = ExecutorEvent.Types.Type.Acknowledged,
            Acknowledged = new ExecutorEvent.Types.Acknowledged { TaskId = status.TaskId, Uuid = status.Uuid },
        });
    }

    private void ExecutorDisconnected(ExecutorRun run, EventStream stream)
    {
        stream.Close();
        if (ReferenceEquals(run.Stream, stream))
        {
            // The executor may subscribe again (a checkpointing one retries); one that does not
            // exits, and its exit settles its tasks. Mesos' agent does the same for HTTP executors.
            run.Stream = null;
            LogExecutorDisconnected(run.ExecutorId);
        }
    }

    private void SendLaunch(ExecutorRun run, TaskInfo task) =>
        run.Stream!.Send(new ExecutorEvent { Type = ExecutorEvent.Types.Type.Launch, Launch = new ExecutorEvent.Types.Launch { Task = task } });

    private void SendHeartbeats()
    {
        foreach (var run in _allRuns.Where(r => r.Subscribed))
        {
            run.Stream!.Send(new ExecutorEvent { Type = ExecutorEvent.Types.Type.Heartbeat });
        }
    }
}
