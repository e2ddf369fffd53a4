using Microsoft.AspNetCore.Http;
using Sluice.Proto.Mesos.V1;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;
using Sluice.Proto.Mesos.V1.Scheduler;
using static Sluice.Local.Mesos.MesosApiHttp;

namespace Sluice.Local.Mesos.Master;

public sealed partial class LocalMesosMaster
{
    /// <summary>Mesos' answer while it recovers (here: the moments between stopping or starting and taking calls).</summary>
    private static readonly Refusal NotRunning = new(503, "Master has not finished recovery");

    private async Task HandleSchedulerAsync(HttpContext context)
    {
        string? principal = null;
        if (_authenticator.Enabled && (principal = _authenticator.Authenticate(context.Request)) is null)
        {
            LogRefused(context.Request.Path, StatusCodes.Status401Unauthorized, "no valid framework credentials");
            await FrameworkAuthenticator.ChallengeAsync(context).ConfigureAwait(false);
            return;
        }
        var (call, accept, refusal) = await ReadCallAsync(context, Call.Parser).ConfigureAwait(false);
        if (refusal is not null)
        {
            LogRefused(context.Request.Path, refusal.StatusCode, refusal.Message);
            await RefuseAsync(context, refusal).ConfigureAwait(false);
            return;
        }
        var streamId = context.Request.Headers[StreamIdHeader].ToString();
        if (call!.Type == Call.Types.Type.Subscribe)
        {
            if (!string.IsNullOrEmpty(streamId))
            {
                await RefuseAsync(context, new Refusal(400, "Subscribe calls should not include the 'Mesos-Stream-Id' header")).ConfigureAwait(false);
                return;
            }
            var (stream, subscribeRefusal) = await _actor.Ask(() => Subscribe(call, accept, principal)).ConfigureAwait(false);
            if (subscribeRefusal is not null)
            {
                await RefuseAsync(context, subscribeRefusal).ConfigureAwait(false);
                return;
            }
            await StreamAsync(context, accept, stream!.StreamId, stream.Reader).ConfigureAwait(false);
            _actor.Post(() => Disconnected(stream));
            return;
        }

        var result = await _actor.Ask(() => HandleCall(call, string.IsNullOrEmpty(streamId) ? null : streamId)).ConfigureAwait(false);
        if (result is not null)
        {
            LogRefused(context.Request.Path, result.StatusCode, result.Message);
            await RefuseAsync(context, result).ConfigureAwait(false);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    // ------------------------------------------------------------------
    // SUBSCRIBE and failover
    // ------------------------------------------------------------------

    /// <param name="principal">The authenticated principal, when the master authenticates frameworks.</param>
    private (EventStream? Stream, Refusal? Refusal) Subscribe(Call call, WireEncoding encoding, string? principal)
    {
        if (!_running)
        {
            return (null, NotRunning);
        }
        if (call.Subscribe is null)
        {
            return (null, new Refusal(400, "Expecting 'subscribe' to be present"));
        }
        var info = call.Subscribe.FrameworkInfo;
        if (principal is not null && info.HasPrincipal && info.Principal != principal)
        {
            return (null, new Refusal(400, $"Authenticated principal '{principal}' does not match principal '{info.Principal}' set in `FrameworkInfo`"));
        }
        if (info.Id is not null && MesosIds.Validate(info.Id.Value) is { } badId)
        {
            return (null, new Refusal(400, $"Invalid 'framework_info.id': {badId}"));
        }
        if (!double.IsFinite(info.FailoverTimeout))
        {
            // Mesos: Duration::create(failover_timeout) must succeed.
            return (null, new Refusal(400, $"The framework failover_timeout ({info.FailoverTimeout}) is invalid"));
        }
        if (info.Id is not null && (call.FrameworkId is null || call.FrameworkId.Value != info.Id.Value))
        {
            return (null, new Refusal(400, "'framework_id' differs from 'subscribe.framework_info.id'"));
        }
        if (info.Id is null && call.FrameworkId is not null)
        {
            return (null, new Refusal(400, "'framework_id' differs from 'subscribe.framework_info.id'"));
        }

        var stream = new EventStream(Guid.NewGuid().ToString(), encoding);
        FrameworkRecord framework;
        if (info.Id is not null && _completedFrameworks.ContainsKey(info.Id.Value))
        {
            // Mesos answers a removed framework on its stream and closes it.
            stream.Send(Error("Framework has been removed"));
            stream.Close();
            return (stream, null);
        }
        if (info.Id is not null && _frameworks.TryGetValue(info.Id.Value, out var existing))
        {
            framework = existing;
            if (framework.Stream is { IsOpen: true } old)
            {
                // A newer subscription wins: the old stream learns why and is closed.
                old.Send(Error("Framework failed over"));
                old.Close();
            }
            framework.FailoverTimer?.Dispose();
            framework.FailoverTimer = null;
            framework.Info = info.Clone();
            framework.UnregisteredTime = null;
            framework.Recovered = false;
            // Outstanding offers are void after a failover; new ones follow.
            RemoveOffers(framework, rescind: false);
            // As Mesos' UpdateFrameworkMessage: agents send their unacknowledged updates of the
            // framework now rather than at their next (backed-off) retry.
            foreach (var agent in _agents.Values.Where(a => a.Session is not null))
            {
                agent.Agent.FrameworkFailedOver(framework.Id);
            }
            LogResubscribed(framework.Id, stream.StreamId!);
        }
        else
        {
            // An id the master never saw is taken as it is: after a master failover Mesos lets
            // frameworks re-register with the id they had.
            var id = info.Id?.Value ?? $"{Id}-{_nextFramework++:D4}";
            var registered = info.Clone();
            registered.Id = new FrameworkID { Value = id };
            framework = new FrameworkRecord(id, registered, _time.GetUtcNow());
            _frameworks.Add(id, framework);
            LogSubscribed(id, info.Name, stream.StreamId!);
        }
        framework.Info.Id = new FrameworkID { Value = framework.Id };
        framework.Generation++;
        framework.Stream = stream;
        framework.Suppressed = call.Subscribe.SuppressedRoles.Count > 0
            && (framework.Info.Roles.Count == 0
                ? call.Subscribe.SuppressedRoles.Contains(framework.Role)
                : framework.Info.Roles.All(call.Subscribe.SuppressedRoles.Contains));
        stream.Send(new Event
        {
            Type = Event.Types.Type.Subscribed,
            Subscribed = new Event.Types.Subscribed
            {
                FrameworkId = new FrameworkID { Value = framework.Id },
                HeartbeatIntervalSeconds = _options.HeartbeatInterval.TotalSeconds,
                MasterInfo = Info,
            },
        });
        RequestAllocation();
        return (stream, null);
    }

    /// <summary>
    /// The scheduler's stream ended. If it is still the framework's stream, the framework is
    /// disconnected: its offers go back and it has <c>failover_timeout</c> to subscribe again
    /// before it is removed and its tasks killed.
    /// </summary>
    private void Disconnected(EventStream stream)
    {
        stream.Close();
        var framework = _frameworks.Values.FirstOrDefault(f => ReferenceEquals(f.Stream, stream));
        if (framework is null)
        {
            return;
        }
        framework.Stream = null;
        framework.Generation++;
        framework.UnregisteredTime = _time.GetUtcNow();
        RemoveOffers(framework, rescind: false);
        var timeout = TimeSpan.FromSeconds(Math.Clamp(framework.Info.FailoverTimeout, 0, TimeSpan.MaxValue.TotalSeconds / 2));
        LogDisconnected(framework.Id, timeout.TotalSeconds);
        var generation = framework.Generation;
        framework.FailoverTimer?.Dispose();
        framework.FailoverTimer = _actor.Schedule(_time, timeout, () =>
        {
            // The same record, not only the same id: after a master failover a framework with this
            // id is a new record whose generations start again.
            if (_frameworks.TryGetValue(framework.Id, out var current) && ReferenceEquals(current, framework)
                && current.Generation == generation && !current.Connected)
            {
                LogFailoverTimedOut(framework.Id);
                RemoveFramework(current, "Framework failover timeout");
            }
        });
    }

    /// <summary>Removes a framework for good: its executors are shut down, its tasks killed.</summary>
    private void RemoveFramework(FrameworkRecord framework, string why)
    {
        framework.FailoverTimer?.Dispose();
        framework.FailoverTimer = null;
        framework.Active = false;
        RemoveOffers(framework, rescind: false);
        var agents = framework.Tasks.Values.Select(t => t.AgentId)
            .Concat(framework.Executors.Keys.Select(k => k.AgentId)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var agentId in agents)
        {
            Connected(agentId)?.Agent.ShutdownFramework(framework.Id);
        }
        foreach (var task in framework.Tasks.Values)
        {
            if (!TaskStates.IsTerminal(task.State))
            {
                // Mesos' removeFramework: the master moves the tasks to TASK_KILLED.
                task.State = TaskState.TaskKilled;
                task.Statuses.Add(MasterStatus(task.Info.TaskId, task.Info.AgentId, TaskState.TaskKilled,
                    TaskStatus.Types.Reason.FrameworkRemoved, why, task.ExecutorId));
            }
            task.ResourcesRecovered = true;
            Complete(framework, task);
        }
        framework.Tasks.Clear();
        framework.Executors.Clear();
        framework.UnregisteredTime ??= _time.GetUtcNow();
        if (framework.Stream is { } stream)
        {
            framework.Stream = null;
            stream.Close();
        }
        _frameworks.Remove(framework.Id);
        _completedFrameworks[framework.Id] = framework;
        if (_completedFrameworks.Count > MaxCompletedFrameworks)
        {
            var oldest = _completedFrameworks.Values.MinBy(f => f.UnregisteredTime)!;
            _completedFrameworks.Remove(oldest.Id);
        }
        LogFrameworkRemoved(framework.Id, why);
        RequestAllocation();
    }

    // ------------------------------------------------------------------
    // Other calls: validated as Mesos' http.cpp does, then handled
    // ------------------------------------------------------------------

    private Refusal? HandleCall(Call call, string? streamId)
    {
        if (!_running)
        {
            return NotRunning;
        }
        if (call.Type == Call.Types.Type.Unknown)
        {
            return new Refusal(call.HasType ? 501 : 400, call.HasType ? "Received 'UNKNOWN' call" : "Expecting 'type' to be present");
        }
        if (call.FrameworkId is null)
        {
            return new Refusal(400, "Expecting 'framework_id' to be present");
        }
        if (!_frameworks.TryGetValue(call.FrameworkId.Value, out var framework))
        {
            return new Refusal(400, "Framework cannot be found");
        }
        if (!framework.Connected)
        {
            return new Refusal(403, "Framework is not subscribed");
        }
        if (streamId is null)
        {
            return new Refusal(400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
        }
        if (streamId != framework.Stream!.StreamId)
        {
            return new Refusal(400, $"The stream ID '{streamId}' included in this request didn't match the stream ID currently associated with framework ID {framework.Id}");
        }

        switch (call.Type)
        {
            case Call.Types.Type.Teardown:
                RemoveFramework(framework, "Framework teardown");
                return null;
            case Call.Types.Type.Accept:
                if (call.Accept is null)
                {
                    return new Refusal(400, "Expecting 'accept' to be present");
                }
                Accept(framework, call.Accept);
                return null;
            case Call.Types.Type.Decline:
                if (call.Decline is null)
                {
                    return new Refusal(400, "Expecting 'decline' to be present");
                }
                foreach (var offerId in call.Decline.OfferIds)
                {
                    if (TakeOffer(framework, offerId.Value) is { } offer)
                    {
                        AddFilter(framework, offer.AgentId, offer.Resources, call.Decline.Filters);
                    }
                }
                RequestAllocation();
                return null;
            case Call.Types.Type.Revive:
                framework.Filters.Clear();
                framework.Suppressed = false;
                RequestAllocation();
                return null;
            case Call.Types.Type.Suppress:
                // As Mesos: outstanding offers stay; no new ones until REVIVE.
                framework.Suppressed = true;
                return null;
            case Call.Types.Type.Kill:
                if (call.Kill is null)
                {
                    return new Refusal(400, "Expecting 'kill' to be present");
                }
                Kill(framework, call.Kill);
                return null;
            case Call.Types.Type.Shutdown:
                if (call.Shutdown is null)
                {
                    return new Refusal(400, "Expecting 'shutdown' to be present");
                }
                Connected(call.Shutdown.AgentId?.Value)?.Agent.ShutdownExecutor(framework.Id, call.Shutdown.ExecutorId.Value);
                return null;
            case Call.Types.Type.Acknowledge:
                if (call.Acknowledge is null)
                {
                    return new Refusal(400, "Expecting 'acknowledge' to be present");
                }
                if (call.Acknowledge.Uuid.Length != 16)
                {
                    return new Refusal(400, "Failed to parse UUID: 'acknowledge.uuid' must be 16 bytes");
                }
                Acknowledge(framework, call.Acknowledge);
                return null;
            case Call.Types.Type.Reconcile:
                if (call.Reconcile is null)
                {
                    return new Refusal(400, "Expecting 'reconcile' to be present");
                }
                Reconcile(framework, call.Reconcile);
                return null;
            case Call.Types.Type.Message:
                if (call.Message is null)
                {
                    return new Refusal(400, "Expecting 'message' to be present");
                }
                Connected(call.Message.AgentId?.Value)?.Agent.FrameworkMessage(framework.Id, call.Message.ExecutorId.Value, call.Message.Data);
                return null;
            default:
                // REQUEST and the inverse-offer calls: accepted and ignored, as by Mesos' allocator
                // (the local world has no maintenance schedule, so there are no inverse offers).
                return null;
        }
    }

    private OfferRecord? TakeOffer(FrameworkRecord framework, string offerId)
    {
        if (_offers.TryGetValue(offerId, out var offer) && offer.FrameworkId == framework.Id)
        {
            _offers.Remove(offerId);
            return offer;
        }
        return null;
    }

    private void Kill(FrameworkRecord framework, Call.Types.Kill kill)
    {
        if (framework.Tasks.TryGetValue(kill.TaskId.Value, out var task) && Connected(task.AgentId) is { } agent)
        {
            agent.Agent.KillTask(framework.Id, task.Id, kill.KillPolicy);
            return;
        }
        if (task is null && MayBeOnRecoveringAgent(kill.AgentId))
        {
            // Mesos reconciles a kill of an unknown task, which stays silent while the task may be
            // on an agent that has not re-registered yet: the scheduler kills again later.
            return;
        }
        // Mesos: "Attempted to kill an unknown task" as TASK_LOST with REASON_RECONCILIATION, no uuid.
        framework.Stream?.Send(UpdateEvent(MasterStatus(kill.TaskId, kill.AgentId, TaskState.TaskLost,
            TaskStatus.Types.Reason.Reconciliation, "Attempted to kill an unknown task", null)));
    }

    private void Acknowledge(FrameworkRecord framework, Call.Types.Acknowledge ack)
    {
        Connected(ack.AgentId?.Value)?.Agent.Acknowledge(framework.Id, ack.TaskId.Value, ack.Uuid);
        if (framework.Tasks.TryGetValue(ack.TaskId.Value, out var task)
            && task.Forwarded.Remove(ack.Uuid, out var state) && TaskStates.IsTerminal(state))
        {
            // The terminal update is acknowledged: the task leaves the active list (Mesos' removeTask).
            framework.Tasks.Remove(task.Id);
            task.ResourcesRecovered = true;
            Complete(framework, task);
            RequestAllocation();
        }
    }

    private void Reconcile(FrameworkRecord framework, Call.Types.Reconcile reconcile)
    {
        if (reconcile.Tasks.Count == 0)
        {
            foreach (var task in framework.Tasks.Values)
            {
                framework.Stream!.Send(UpdateEvent(ReconciliationStatus(task)));
            }
            return;
        }
        var partitionAware = framework.Has(FrameworkInfo.Types.Capability.Types.Type.PartitionAware);
        foreach (var wanted in reconcile.Tasks)
        {
            if (framework.Tasks.TryGetValue(wanted.TaskId.Value, out var task))
            {
                framework.Stream!.Send(UpdateEvent(ReconciliationStatus(task)));
                continue;
            }
            if (MayBeOnRecoveringAgent(wanted.AgentId))
            {
                // No answer until the agent re-registers (Mesos: "agent is recovered: no-op"); the
                // scheduler reconciles again, as docs/reconciliation.md tells it to.
                continue;
            }
            // Unknown task: TASK_LOST, or for partition-aware frameworks TASK_GONE when the agent is
            // registered (so the task cannot be there) and TASK_UNKNOWN when it is not.
            var agentKnown = Connected(wanted.AgentId?.Value) is not null;
            var state = !partitionAware ? TaskState.TaskLost : agentKnown ? TaskState.TaskGone : TaskState.TaskUnknown;
            framework.Stream!.Send(UpdateEvent(MasterStatus(wanted.TaskId, wanted.AgentId, state,
                TaskStatus.Types.Reason.Reconciliation, "Reconciliation: Task is unknown", null)));
        }
    }

    private TaskStatus ReconciliationStatus(TaskRecord task)
    {
        var latest = task.Statuses.LastOrDefault();
        var status = MasterStatus(task.Info.TaskId, task.Info.AgentId, task.State,
            TaskStatus.Types.Reason.Reconciliation, "Reconciliation: Latest task state", task.ExecutorId);
        if (latest?.HasHealthy == true)
        {
            status.Healthy = latest.Healthy;
        }
        return status;
    }

    // ------------------------------------------------------------------
    // Status updates and executors (from agents)
    // ------------------------------------------------------------------

    private void StatusUpdate(string agentId, string frameworkId, TaskStatus status, TaskState latestState)
    {
        // From an agent not registered with this run of the master (sent before it noticed the
        // master was gone): dropped, as Mesos drops updates of unknown agents; the agent sends it
        // again once registered.
        if (Connected(agentId) is null || !_frameworks.TryGetValue(frameworkId, out var framework))
        {
            return;
        }
        if (framework.Tasks.TryGetValue(status.TaskId.Value, out var task))
        {
            task.State = latestState;
            task.Statuses.Add(status);
            if (task.Statuses.Count > 32)
            {
                task.Statuses.RemoveAt(0);
            }
            if (status.HasUuid)
            {
                task.Forwarded[status.Uuid] = status.State;
            }
            if (TaskStates.IsTerminal(latestState) && !task.ResourcesRecovered)
            {
                task.ResourcesRecovered = true;
                RequestAllocation();
            }
        }
        // A disconnected framework misses it; the agent sends it again until it is acknowledged.
        framework.Stream?.Send(UpdateEvent(status));
        LogForwarded(frameworkId, status.TaskId.Value, status.State.ToString(), agentId);
    }

    private void ExecutorExited(string agentId, string frameworkId, string executorId, int status)
    {
        if (Connected(agentId) is null || !_frameworks.TryGetValue(frameworkId, out var framework))
        {
            return;
        }
        framework.Executors.Remove((agentId, executorId));
        framework.Stream?.Send(new Event
        {
            Type = Event.Types.Type.Failure,
            Failure = new Event.Types.Failure
            {
                AgentId = new AgentID { Value = agentId },
                ExecutorId = new ExecutorID { Value = executorId },
                Status = status,
            },
        });
        RequestAllocation();
    }

    // ------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------

    private TaskStatus MasterStatus(TaskID taskId, AgentID? agentId, TaskState state, TaskStatus.Types.Reason reason, string message, ExecutorID? executorId)
    {
        var status = new TaskStatus
        {
            TaskId = taskId,
            State = state,
            Source = TaskStatus.Types.Source.Master,
            Reason = reason,
            Message = message,
            Timestamp = TaskStates.Now(_time),
        };
        if (agentId is not null)
        {
            status.AgentId = agentId;
        }
        if (executorId is not null)
        {
            status.ExecutorId = executorId;
        }
        return status;
    }

    private static Event UpdateEvent(TaskStatus status) =>
        new() { Type = Event.Types.Type.Update, Update = new Event.Types.Update { Status = status } };

    private static Event Error(string message) =>
        new() { Type = Event.Types.Type.Error, Error = new Event.Types.Error { Message = message } };
}
