using Sluice.EndToEnd.World;
using Sluice.Testing;

namespace Sluice.EndToEnd.Chaos;

/// <summary>
/// 3. ZooKeeper session expiry of the leader: the leading scheduler is frozen (SIGSTOP, as a long GC pause or a
/// stalled VM) past its session timeout, so ZooKeeper expires its session and the standby takes over; then it is
/// thawed and must stand down at once. Never two owners of a partition (no interleaved processing), 0 lost,
/// 0 duplicated, no task restarted.
/// </summary>
internal sealed class LeaderSessionExpired : ChaosScenario
{
    private IReadOnlyDictionary<string, int?> _before = new Dictionary<string, int?>();
    private SchedulerProcess? _old;

    public override int Number => 3;

    public override string Name => "leader-session-expired";

    public override string Fault => "the leader frozen past its ZooKeeper session timeout, then thawed";

    protected override int Schedulers => 2;

    protected override async Task InjectAsync(ChaosRun run, CancellationToken cancellationToken)
    {
        _before = await run.RunningTasksAsync();
        var old = _old = run.World.Scheduler;
        old.Freeze();
        run.Note($"froze the leader {old.Name} (SIGSTOP)");
        SchedulerProcess leader;
        try
        {
            leader = await run.World.WaitForLeaderAsync(run.Settings.StepTimeout, except: old);
            run.Note($"{leader.Name} leads (the frozen leader's session expired)");
            await run.WaitUntilServedAsync();
            run.Note("the new leader serves every partition");
        }
        finally
        {
            old.Thaw();
        }
        run.Note($"thawed {old.Name}");
        await Eventually.TrueAsync(async () => await old.HealthAsync() == false, run.Settings.StepTimeout, $"the thawed {old.Name} says it is not the leader", cancellationToken);
        run.Note($"{old.Name} stands by");
        await run.World.WaitForLeaderAsync(run.Settings.StepTimeout);
        if (run.World.Scheduler != leader)
        {
            throw new InvalidOperationException($"leadership moved again, to {run.World.Scheduler.Name}");
        }
        await run.WaitUntilServedAsync();
    }

    protected override async Task JudgeAsync(ChaosRun run, ProcessingReport report, List<string> violations, CancellationToken cancellationToken)
    {
        await base.JudgeAsync(run, report, violations, cancellationToken);
        await NoTaskRestartedAsync(run, _before, violations);
        if (_old is not null && !_old.Output.Any(l => l.Contains("Leadership of", StringComparison.Ordinal) && l.Contains("lost", StringComparison.Ordinal)))
        {
            violations.Add($"the thawed {_old.Name} never logged that it lost the leadership");
        }
    }
}
