namespace Sluice.Bench.Harness;

/// <summary>A scenario benchmark: compares two things in one run and reports a ratio against a goal.</summary>
internal interface IBenchmark
{
    /// <summary>The name on the command line and in <c>bench/results/NAME.json</c>.</summary>
    string Name { get; }

    /// <summary>One line: what is compared.</summary>
    string Description { get; }

    Task<BenchmarkResult> RunAsync(BenchmarkContext context, CancellationToken cancellationToken);
}
