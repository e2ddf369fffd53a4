namespace Sluice.Bench.Harness;

/// <summary>
/// What a benchmark measured: the ratio compared with its goal, named figures, and a table for
/// the console. <see cref="Extra"/> is any further structured data for the JSON file.
/// </summary>
internal sealed record BenchmarkResult(
    double Ratio,
    Goal Goal,
    IReadOnlyDictionary<string, double> Figures,
    IReadOnlyList<string[]> Table,
    IReadOnlyList<string> Notes,
    object? Extra = null)
{
    /// <summary>Extra conditions a pass needs besides the ratio (e.g. 0 lost, 0 duplicated).</summary>
    public bool ConditionsMet { get; init; } = true;

    public bool Passed => ConditionsMet && Goal.IsMetBy(Ratio);
}
