using Sluice.EndToEnd.World;

namespace Sluice.EndToEnd.Chaos;

/// <summary>
/// 2. kill -9 of the leading scheduler with a standby (ZooKeeper state): the standby takes over, re-subscribes
/// with the same framework id and reconciles, the executors reconnect to it; no task restarted, 0 lost, 0 duplicated.
/// </summary>
internal sealed class LeaderKilled : ChaosScenario
{
    private IReadOnlyDictionary<string, int?> _before = new Dictionary<string, int?>();
    private string _framework = "";

    public override int Number => 2;

    public override string Name => "leader-killed";

    public override string Fault => "kill -9 of the leading scheduler (a standby waits)";

    protected override int Schedulers => 2;

    protected override async Task InjectAsync(ChaosRun run, CancellationToken cancellationToken)
    {
        _before = await run.RunningTasksAsync();
        var old = run.World.Scheduler;
        _framework = FrameworkIds.SubscribedAs(old);
        old.Kill();
        run.Note($"killed the leader {old.Name} with SIGKILL (framework {_framework})");
        var leader = await run.World.WaitForLeaderAsync(run.Settings.StepTimeout);
        run.Note($"{leader.Name} leads");
        await run.WaitUntilServedAsync();
    }

    protected override async Task JudgeAsync(ChaosRun run, ProcessingReport report, List<string> violations, CancellationToken cancellationToken)
    {
        await base.JudgeAsync(run, report, violations, cancellationToken);
        await NoTaskRestartedAsync(run, _before, violations);
        FrameworkIds.Check(run.World.Scheduler, _framework, violations);
    }
}
