using Sluice.Local.Mesos.Agent;
using Sluice.Proto.Mesos.V1;

namespace Sluice.Local.Mesos.Master;

/// <summary>
/// Master failover: the master stops (its process dies) and comes back on the same address as a
/// newly elected Mesos master would, knowing only what Mesos keeps in its registry.
/// </summary>
/// <remarks>
/// What a Mesos master keeps across a failover is its registry: the agents that were admitted.
/// Frameworks, offers, tasks, executors and filters live in its memory only, so the new master
/// learns them again from agents re-registering (tasks, executors and the frameworks they belong
/// to) and from schedulers subscribing again with their framework id. Until an agent is back, the
/// master neither offers its resources nor answers reconciliation of tasks that could be on it
/// (docs/reconciliation.md; master.cpp <c>reconcile</c>, case "agent is recovered: no-op").
/// </remarks>
public sealed partial class LocalMesosMaster
{
    /// <summary>
    /// Stops the master as if its process died: its HTTP server goes away (every event stream and
    /// call in flight is cut; later connections are refused), agents lose their connection, and
    /// everything but the registry of agents is forgotten. Executors and tasks on the agents keep
    /// running. Does nothing when already stopped.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_running)
            {
                return;
            }
            var forgotten = await _actor.Ask(Forget).ConfigureAwait(false);
            await StopServerAsync().ConfigureAwait(false);
            LogStopped(Id, forgotten);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Starts a stopped master again on the same port, with a new master id and only its registry
    /// of agents. The agents learn a master is back (as from Mesos' master detector) and register
    /// again with what they run; schedulers subscribe again with their framework ids. Does nothing
    /// when running.
    /// </summary>
    /// <exception cref="IOException">The port was taken while the master was down.</exception>
    public async Task RecoverAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_running)
            {
                return;
            }
            await _actor.Ask(() =>
            {
                Id = Guid.NewGuid().ToString();
                _startTime = _time.GetUtcNow();
                _nextFramework = 0;
                _nextOffer = 0;
                _nextAgent = 0;
                return true;
            }).ConfigureAwait(false);
            await ServeAsync(Port, cancellationToken).ConfigureAwait(false);
            var agents = await _actor.Ask(() =>
            {
                _running = true;
                foreach (var agent in _agents.Values)
                {
                    agent.Agent.MasterDetected();
                }
                return _agents.Count;
            }).ConfigureAwait(false);
            LogRecovered(Url, Id, agents);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary><see cref="StopAsync"/>, <paramref name="downtime"/> on the master's clock, then <see cref="RecoverAsync"/>.</summary>
    /// <remarks>Cancelled during the downtime, the master stays down.</remarks>
    public async Task RestartAsync(TimeSpan downtime, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(downtime, TimeSpan.Zero);
        await StopAsync(cancellationToken).ConfigureAwait(false);
        await Task.Delay(downtime, _time, cancellationToken).ConfigureAwait(false);
        await RecoverAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// An agent that lost the master registers again with the id it has and what it runs. Null
    /// while the master is down (the agent's attempt found nobody listening); the agent retries.
    /// </summary>
    internal Task<AgentSession?> ReregisterAgentAsync(LocalMesosAgent agent, AgentReregistration report) => _actor.Ask(() =>
    {
        if (!_running)
        {
            return null;
        }
        var agentId = report.Info.Id.Value;
        if (_agents.TryGetValue(agentId, out var known))
        {
            known.Session?.Close();
        }
        // An agent missing from the registry is admitted too: Mesos lets agents it does not know
        // re-register after a failover (the registry may lag behind what agents run).
        var session = new AgentSession(report.Info.Id);
        _agents[agentId] = new AgentRecord(agent, report.Info.Clone()) { Session = session };
        foreach (var info in report.Frameworks.Where(f => !_frameworks.ContainsKey(f.Id.Value)))
        {
            // Mesos' recoverFramework: known again, inactive, and without a failover timer; it
            // becomes active when its scheduler subscribes.
            _frameworks.Add(info.Id.Value, new FrameworkRecord(info.Id.Value, info.Clone(), _time.GetUtcNow()) { Recovered = true });
            LogFrameworkRecovered(info.Id.Value, agentId);
        }
        foreach (var executor in report.Executors)
        {
            if (_frameworks.TryGetValue(executor.FrameworkId.Value, out var framework))
            {
                framework.Executors[(agentId, executor.ExecutorId.Value)] = new ExecutorRecord(executor.Clone(), ResourceBag.From(executor.Resources));
            }
        }
        foreach (var reported in report.Tasks)
        {
            if (!_frameworks.TryGetValue(reported.FrameworkId, out var framework) || framework.Tasks.ContainsKey(reported.Info.TaskId.Value))
            {
                continue;
            }
            var task = new TaskRecord(reported.Info.Clone(), framework.Id, ResourceBag.From(reported.Info.Resources))
            {
                State = reported.State,
                ResourcesRecovered = TaskStates.IsTerminal(reported.State),
            };
            if (reported.Latest is not null)
            {
                task.Statuses.Add(reported.Latest);
            }
            framework.Tasks.Add(task.Id, task);
        }
        LogAgentReregistered(agentId, report.Executors.Count, report.Tasks.Count);
        RequestAllocation();
        return session;
    });

    /// <summary>
    /// The master's death, on the actor: no more calls are taken, every request in flight is cut,
    /// agents lose their sessions, and all but the registry of agents is gone. Returns how many
    /// frameworks were forgotten.
    /// </summary>
    private int Forget()
    {
        _running = false;
        // Cut before anything else, so no scheduler sees its stream end cleanly (a dead master
        // sends no last chunk) and no call is answered by a master that is gone.
        _serving?.Cancel();
        var forgotten = _frameworks.Count;
        foreach (var framework in _frameworks.Values)
        {
            framework.FailoverTimer?.Dispose();
            framework.Stream?.Close();
        }
        _frameworks.Clear();
        _completedFrameworks.Clear();
        _offers.Clear();
        _allocationCursor = 0;
        foreach (var agent in _agents.Values)
        {
            if (agent.Session is { } session)
            {
                session.Close();
                agent.Session = null;
                agent.Agent.MasterLost(session);
            }
        }
        return forgotten;
    }

    /// <summary>The agent, if it is registered with this run of the master (not only remembered from the registry).</summary>
    private AgentRecord? Connected(string? agentId) =>
        agentId is not null && _agents.TryGetValue(agentId, out var agent) && agent.Session is not null ? agent : null;

    /// <summary>
    /// True when a task the master does not know could still be on an agent that has not
    /// re-registered since the master recovered: on <paramref name="agentId"/>, or (when the
    /// scheduler did not say which agent) on any of them. Mesos stays silent about such tasks
    /// instead of calling them lost.
    /// </summary>
    private bool MayBeOnRecoveringAgent(AgentID? agentId) => agentId is not null
        ? _agents.TryGetValue(agentId.Value, out var agent) && agent.Session is null
        : _agents.Values.Any(a => a.Session is null);
}
