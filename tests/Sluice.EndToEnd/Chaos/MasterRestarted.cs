using Sluice.EndToEnd.World;

namespace Sluice.EndToEnd.Chaos;

/// <summary>
/// 5. The local Mesos master restarted (down for the outage time, its frameworks and tasks forgotten; the agents
/// re-register with their running executors): the scheduler re-subscribes with its framework id and reconciles;
/// the tasks run on untouched, no task restarted; 0 lost, 0 duplicated.
/// </summary>
internal sealed class MasterRestarted : ChaosScenario
{
    private IReadOnlyDictionary<string, int?> _before = new Dictionary<string, int?>();
    private string _framework = "";

    public override int Number => 5;

    public override string Name => "master-restarted";

    public override string Fault => "the Mesos master down and restarted";

    protected override async Task InjectAsync(ChaosRun run, CancellationToken cancellationToken)
    {
        _before = await run.RunningTasksAsync();
        _framework = FrameworkIds.SubscribedAs(run.World.Scheduler);
        var subscriptions = Subscriptions(run.World.Scheduler);
        run.Note($"restarting the master ({run.Settings.Outage.TotalSeconds:0} s down)");
        await run.World.Mesos.RestartMasterAsync(run.Settings.Outage, cancellationToken);
        run.Note("the master is back");
        await Testing.Eventually.TrueAsync(() => Subscriptions(run.World.Scheduler) > subscriptions, run.Settings.StepTimeout,
            "the scheduler subscribes again", cancellationToken);
        run.Note("the scheduler subscribed again");
        await run.WaitUntilServedAsync();
    }

    private static int Subscriptions(SchedulerProcess scheduler) =>
        scheduler.Output.Count(l => l.Contains("[Mesos] subscribed as framework ", StringComparison.Ordinal));

    protected override async Task JudgeAsync(ChaosRun run, ProcessingReport report, List<string> violations, CancellationToken cancellationToken)
    {
        await base.JudgeAsync(run, report, violations, cancellationToken);
        await NoTaskRestartedAsync(run, _before, violations);
        FrameworkIds.Check(run.World.Scheduler, _framework, violations);
        var states = (await run.World.StatusAsync(ChaosRun.Consumer)).GetProperty("tasks").EnumerateArray()
            .Select(t => t.GetProperty("mesosState").GetString()).ToList();
        if (states.Any(s => s != "running"))
        {
            violations.Add($"after reconciliation the tasks are {string.Join(", ", states)}, not all running");
        }
    }
}
