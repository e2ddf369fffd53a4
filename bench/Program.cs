using Sluice.Bench.Harness;
using Sluice.Bench.Scenarios;

// ./bench.sh NAME [--quick]: see DESIGN.md §9 and bench/README.md.
IBenchmark[] benchmarks =
[
    new KafkaBenchmark(),
    new ThroughputBenchmark(),
    new FanoutBenchmark(),
    new PlannerBenchmark(),
    new CutoverBenchmark(sluice: new Sluice.Bench.Cutover.SluiceCutoverContender()),
    new ChaosBenchmark(),
];

if (args.Length == 1 && args[0] == "--list")
{
    foreach (var b in benchmarks)
    {
        Console.WriteLine(b.Name);
    }
    return 0;
}

var name = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
var unknownFlags = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a != "--quick").ToArray();
var benchmark = benchmarks.FirstOrDefault(b => b.Name == name);
if (benchmark is null || unknownFlags.Length > 0)
{
    Console.Error.WriteLine(benchmark is null
        ? $"sluice-bench: unknown benchmark '{name}'. Known: {string.Join(", ", benchmarks.Select(b => b.Name))}."
        : $"sluice-bench: unknown option {string.Join(" ", unknownFlags)}; the only option is --quick.");
    Console.Error.WriteLine("usage: ./bench.sh NAME [--quick]");
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return await BenchmarkRunner.RunAsync(benchmark, args.Contains("--quick"), cancellation.Token);
