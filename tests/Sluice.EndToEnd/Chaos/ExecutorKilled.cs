using Sluice.EndToEnd.World;
using Sluice.Testing;

namespace Sluice.EndToEnd.Chaos;

/// <summary>1. kill -9 of an executor: its partitions move to the others (or its replacement); 0 lost; duplicates only of its in-flight records.</summary>
internal sealed class ExecutorKilled : ChaosScenario
{
    private string _victim = "";

    public override int Number => 1;

    public override string Name => "executor-killed";

    public override string Fault => "kill -9 of an executor process";

    protected override async Task InjectAsync(ChaosRun run, CancellationToken cancellationToken)
    {
        _victim = (await run.World.TasksAsync(ChaosRun.Consumer))[0];
        var pid = ExecutorProcesses.FindPid(_victim) ?? throw new InvalidOperationException($"no executor process for {_victim}");
        ExecutorProcesses.Kill(pid);
        run.Note($"killed {_victim} (pid {pid}) with SIGKILL");
        await Eventually.TrueAsync(async () => !(await run.World.TasksAsync(ChaosRun.Consumer)).Contains(_victim), run.Settings.StepTimeout, "Mesos reports the killed task gone", cancellationToken);
        await run.WaitUntilServedAsync();
    }

    protected override Task JudgeAsync(ChaosRun run, ProcessingReport report, List<string> violations, CancellationToken cancellationToken)
    {
        OnlyTheVictimsInFlightDuplicated(run, report, _victim, violations);
        return Task.CompletedTask;
    }
}
