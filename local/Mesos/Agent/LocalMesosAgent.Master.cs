using Sluice.Local.Mesos.Master;
using Sluice.Proto.Mesos.V1;

namespace Sluice.Local.Mesos.Agent;

/// <summary>
/// The agent's link to its master, and how it outlives a master failover: executors and tasks
/// keep running while the master is away, status updates wait, and the agent registers again
/// with everything it runs once a master is back (Mesos' slave.cpp: <c>detected</c>,
/// <c>doReliableRegistration</c>, <c>reregistered</c>).
/// </summary>
public sealed partial class LocalMesosAgent
{
    /// <summary>Longest wait between attempts to register again (Mesos' <c>REGISTER_RETRY_INTERVAL_MAX</c>).</summary>
    private static readonly TimeSpan MaxRegistrationBackoff = TimeSpan.FromMinutes(1);

    /// <summary>The master died: its connection to this agent broke (the session is one of ours).</summary>
    internal void MasterLost(AgentSession session) => _actor.Post(() =>
    {
        if (!ReferenceEquals(_session, session))
        {
            return;
        }
        _session = null;
        foreach (var stream in _updates.Values)
        {
            stream.Retry?.Dispose();
            stream.Retry = null;
        }
        LogMasterLost(Id);
        // Tried again and again with backoff until a master answers; a master that comes back
        // also says so (MasterDetected), which makes the next attempt come soon.
        _registrationBackoff = _options.RegistrationBackoffFactor;
        ScheduleReregistration();
    });

    /// <summary>A master is up again (what Mesos' master detector tells an agent about a newly elected master).</summary>
    internal void MasterDetected() => _actor.Post(() =>
    {
        if (_session is not null || _stopping.IsCancellationRequested)
        {
            return;
        }
        _registrationBackoff = _options.RegistrationBackoffFactor;
        if (!_reregistering)
        {
            ScheduleReregistration();
        }
    });

    /// <summary>
    /// The next attempt, after a random part of the backoff: Mesos' agents spread their
    /// registrations so a new master is not hit by all of them at once.
    /// </summary>
    private void ScheduleReregistration()
    {
        _reregistration?.Dispose();
        _reregistration = _actor.Schedule(_time, _registrationBackoff * Random.Shared.NextDouble(), Reregister);
    }

    private void Reregister()
    {
        if (_session is not null || _reregistering || _stopping.IsCancellationRequested)
        {
            return;
        }
        _reregistering = true;
        var report = Report();
        LogReregistering(Id, report.Tasks.Count);
        _ = ReregisterAsync(report);
    }

    private async Task ReregisterAsync(AgentReregistration report)
    {
        AgentSession? session = null;
        try
        {
            session = await _master.ReregisterAgentAsync(this, report).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The master is gone for good: the world is being disposed.
        }
        _actor.Post(() => Reregistered(session, report));
    }

    private void Reregistered(AgentSession? session, AgentReregistration report)
    {
        _reregistering = false;
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        // Closed already: the master that took it stopped again before this was seen.
        if (session is null || session.IsClosed)
        {
            _registrationBackoff = TimeSpan.FromTicks(Math.Min(_registrationBackoff.Ticks * 2, MaxRegistrationBackoff.Ticks));
            ScheduleReregistration();
            return;
        }
        _session = session;
        LogReregistered(Id);
        // Executors that ended after the report was taken: the master still counts them as
        // running. Those that ended before it are simply absent from the report.
        var reported = report.Executors.Select(e => (e.FrameworkId.Value, e.ExecutorId.Value)).ToHashSet();
        foreach (var exit in _exitsWhileAway.Where(e => reported.Contains((e.FrameworkId, e.ExecutorId))))
        {
            _master.OnExecutorExited(Id, exit.FrameworkId, exit.ExecutorId, exit.Status);
        }
        _exitsWhileAway.Clear();
        // Mesos' status update manager resumes: every unacknowledged update goes out again now.
        ResendPending(frameworkId: null);
    }

    /// <summary>Sends the oldest unacknowledged update of every task (of one framework, or of all) again, backoff reset.</summary>
    private void ResendPending(string? frameworkId)
    {
        foreach (var (key, stream) in _updates.Where(u => (frameworkId is null || u.Key.FrameworkId == frameworkId) && u.Value.Pending.Count > 0).ToList())
        {
            stream.Backoff = _options.StatusUpdateRetryInterval;
            SendHead(key.FrameworkId, stream);
        }
    }

    /// <summary>A custom executor ended: the master learns it now, or after the agent registered again.</summary>
    private void ExecutorExited(ExecutorExit exit)
    {
        if (_session is null)
        {
            _exitsWhileAway.Add(exit);
            return;
        }
        _master.OnExecutorExited(Id, exit.FrameworkId, exit.ExecutorId, exit.Status);
    }

    /// <summary>What this agent runs, for the master it registers with again.</summary>
    private AgentReregistration Report()
    {
        var executors = new List<ExecutorInfo>();
        var tasks = new List<ReportedTask>();
        var reported = new HashSet<(string FrameworkId, string TaskId)>();
        foreach (var framework in _frameworks.Values.Where(f => !f.Removed))
        {
            foreach (var run in framework.Executors.Values.Where(r => !r.Exited))
            {
                // The built-in command executor is not an executor to the master (as in Launch).
                if (!run.IsCommand)
                {
                    executors.Add(run.Info);
                }
                foreach (var task in run.Tasks.Values)
                {
                    reported.Add((framework.Id, task.Id));
                    tasks.Add(new ReportedTask(framework.Id, task.Info, task.State, task.Latest));
                }
            }
        }
        // Tasks whose run has ended while their last updates still wait for the scheduler.
        foreach (var ((frameworkId, taskId), stream) in _updates)
        {
            if (stream.Task is { } task && stream.Pending.Count > 0 && reported.Add((frameworkId, taskId)))
            {
                tasks.Add(new ReportedTask(frameworkId, task.Info, task.State, task.Latest));
            }
        }
        var frameworkIds = tasks.Select(t => t.FrameworkId).Concat(executors.Select(e => e.FrameworkId.Value)).ToHashSet(StringComparer.Ordinal);
        var frameworks = _frameworks.Values.Where(f => !f.Removed && frameworkIds.Contains(f.Id)).Select(f => f.Info).ToList();
        return new AgentReregistration(_info, frameworks, executors, tasks);
    }
}
