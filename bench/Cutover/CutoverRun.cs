namespace Sluice.Bench.Cutover;

/// <summary>Something a contender did during its run, on the run's clock (e.g. "v2-0 started").</summary>
internal readonly record struct CutoverEvent(TimeSpan At, string What);

/// <summary>
/// What a contender reports about its run besides the recorded stream: the windows the analysis
/// uses, the steps it took, and the settings and counters worth printing.
/// </summary>
/// <param name="SteadyFrom">Every partition was flowing from here on: the steady window is [SteadyFrom, DeployStarted).</param>
/// <param name="DeployStarted">The first step of the deploy.</param>
/// <param name="DeployFinished">Every old consumer stopped and every partition processed a record afterwards.</param>
/// <param name="Events">The deploy's steps.</param>
/// <param name="Settings">Client and protocol settings the run used, printed and written to JSON.</param>
/// <param name="Counters">Counts the contender observed itself (e.g. commits rejected during a rebalance).</param>
internal sealed record CutoverRun(
    TimeSpan SteadyFrom,
    TimeSpan DeployStarted,
    TimeSpan DeployFinished,
    IReadOnlyList<CutoverEvent> Events,
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlyDictionary<string, long> Counters);
