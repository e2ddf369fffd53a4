using System.Text.Json;
using Sluice.EndToEnd.World;
using Sluice.Testing;

namespace Sluice.EndToEnd.Chaos;

/// <summary>
/// 8. A blue/green cutover v1 → v2 with a green executor killed (kill -9) while it holds partitions mid-way:
/// the deployment completes or rolls back; 0 lost; duplicates only of the killed executor's in-flight records.
/// </summary>
internal sealed class CutoverWithExecutorKilled : ChaosScenario
{
    private string _victim = "";

    public override int Number => 8;

    public override string Name => "cutover-executor-killed";

    public override string Fault => "kill -9 of a green executor during a blue/green cutover";

    protected override async Task InjectAsync(ChaosRun run, CancellationToken cancellationToken)
    {
        var world = run.World;
        var id = await world.StartDeploymentAsync(ChaosRun.Consumer, "v2", [25, 50, 100], bakeSeconds: 3);
        run.Note($"deployment {id} v1 → v2 started");
        await Eventually.TrueAsync(async () => OnGreen(await world.DeploymentAsync(ChaosRun.Consumer, id)) > 0,
            run.Settings.StepTimeout, "the first partitions are on v2", cancellationToken);
        var owners = await world.OwnersAsync(ChaosRun.Consumer);
        var status = await world.StatusAsync(ChaosRun.Consumer);
        var green = status.GetProperty("tasks").EnumerateArray()
            .Where(t => t.GetProperty("version").GetString() == "v2")
            .Select(t => t.GetProperty("taskId").GetString()!)
            .ToHashSet();
        _victim = owners.Values.First(o => o is not null && green.Contains(o))!;
        var pid = ExecutorProcesses.FindPid(_victim) ?? throw new InvalidOperationException($"no executor process for {_victim}");
        ExecutorProcesses.Kill(pid);
        run.Note($"killed green {_victim} (pid {pid}, {owners.Values.Count(o => o == _victim)} partitions) with SIGKILL");

        JsonElement end = default;
        await Eventually.TrueAsync(async () =>
        {
            end = await world.DeploymentAsync(ChaosRun.Consumer, id);
            return end.GetProperty("status").GetString() is "succeeded" or "rolledBack" or "failed" or "aborted";
        }, run.Settings.StepTimeout * 2, $"deployment {id} ends", cancellationToken);
        var outcome = end.GetProperty("status").GetString();
        run.Note($"deployment {id} ended {outcome}: {end.GetProperty("message")}");
        if (outcome is not ("succeeded" or "rolledBack"))
        {
            throw new InvalidOperationException($"the deployment ended {outcome}, neither succeeded nor rolled back");
        }
        await Eventually.TrueAsync(async () =>
        {
            var tasks = (await world.StatusAsync(ChaosRun.Consumer)).GetProperty("tasks").EnumerateArray()
                .Where(t => t.GetProperty("mesosState").GetString() == "running").ToList();
            return tasks.Count == run.Settings.Instances && tasks.Select(t => t.GetProperty("version").GetString()).Distinct().Count() == 1;
        }, run.Settings.StepTimeout, "one version's tasks remain", cancellationToken);
        await run.WaitUntilServedAsync();
    }

    private static int OnGreen(JsonElement deployment) =>
        deployment.GetProperty("partitions").TryGetProperty("v2", out var v2) ? v2.GetInt32() : 0;

    protected override Task JudgeAsync(ChaosRun run, ProcessingReport report, List<string> violations, CancellationToken cancellationToken)
    {
        OnlyTheVictimsInFlightDuplicated(run, report, _victim, violations);
        return Task.CompletedTask;
    }
}
