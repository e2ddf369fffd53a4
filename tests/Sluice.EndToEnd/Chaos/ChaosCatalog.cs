namespace Sluice.EndToEnd.Chaos;

/// <summary>Every fault scenario, in issue 11's order.</summary>
internal static class ChaosCatalog
{
    public static IReadOnlyList<ChaosScenario> All() =>
    [
        new ExecutorKilled(),
        new LeaderKilled(),
        new LeaderSessionExpired(),
        new BrokerOutage(),
        new MasterRestarted(),
        new ControlPlaneCut(),
        new PoisonRecords(),
        new CutoverWithExecutorKilled(),
    ];
}
