using System.Diagnostics;
using Sluice.Bench.Harness;
using Sluice.Scheduler.Planning;

namespace Sluice.Bench.Scenarios;

/// <summary>
/// Time and allocations of one plan for 100k partitions × 1k tasks, in the situations the
/// scheduler meets: first placement, a no-change replan, scale out by one task, a lost task.
/// Ratio = the slowest situation's median milliseconds; goal ≤ 200 ms.
/// </summary>
internal sealed class PlannerBenchmark : IBenchmark
{
    private const int Topics = 100;
    private const int PartitionsPerTopic = 1_000;
    private const int TaskCount = 1_000;

    public string Name => "planner";

    public string Description => "one plan for 100k partitions × 1k tasks (median ms per situation)";

    public Task<BenchmarkResult> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var repetitions = context.Quick ? 5 : 15;
        var partitions = Enumerable.Range(0, Topics)
            .SelectMany(t => Enumerable.Range(0, PartitionsPerTopic).Select(p => new PartitionKey($"topic-{t:D3}", p)))
            .ToArray();
        var tasks = Enumerable.Range(0, TaskCount).Select(i => new PlannerTask($"consumer.v1.{i:D5}")).ToArray();
        var empty = new Dictionary<PartitionKey, string>();
        var balanced = Planner.Assign(partitions, tasks, empty).Target.ToDictionary();
        var plusOne = tasks.Append(new PlannerTask("consumer.v1.99999")).ToArray();
        var minusOne = tasks[1..];

        var situations = new (string Name, PlannerTask[] Tasks, Dictionary<PartitionKey, string> Current)[]
        {
            ("first placement", tasks, empty),
            ("no change", tasks, balanced),
            ("scale out +1 task", plusOne, balanced),
            ("lost 1 task", minusOne, balanced),
        };

        var table = new List<string[]> { new[] { "situation", "median ms", "p95 ms", "moves", "MB allocated" } };
        var figures = new Dictionary<string, double>
        {
            ["partitions"] = partitions.Length,
            ["tasks"] = TaskCount,
            ["repetitions"] = repetitions,
        };
        var worst = 0.0;
        foreach (var (name, situationTasks, current) in situations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Planner.Assign(partitions, situationTasks, current); // warm-up
            var times = new List<double>();
            long allocated = 0;
            var moves = 0;
            for (var i = 0; i < repetitions; i++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var clock = Stopwatch.StartNew();
                var plan = Planner.Assign(partitions, situationTasks, current);
                clock.Stop();
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                moves = plan.Moves.Count;
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            var median = Stats.Median(times);
            worst = Math.Max(worst, median);
            var key = name.Replace(' ', '_').Replace("+", "plus", StringComparison.Ordinal);
            figures[$"{key}_median_ms"] = Math.Round(median, 2);
            figures[$"{key}_allocated_mb"] = Math.Round(allocated / 1e6, 1);
            table.Add([name, $"{median:0.0}", $"{Stats.Percentile(times, 95):0.0}", $"{moves:N0}", $"{allocated / 1e6:0.0}"]);
            context.Progress($"{name}: median {median:0.0} ms, {moves:N0} moves");
        }

        return Task.FromResult(new BenchmarkResult(
            worst,
            Goal.AtMost(200),
            figures,
            table,
            ["ratio = the slowest situation's median milliseconds per plan."]));
    }
}
