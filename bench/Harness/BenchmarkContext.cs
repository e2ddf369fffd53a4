namespace Sluice.Bench.Harness;

/// <summary>What a benchmark run is given: quick mode and a place to print progress.</summary>
internal sealed class BenchmarkContext(bool quick, TextWriter output)
{
    /// <summary><c>--quick</c>: a smaller run that finishes in under 3 minutes.</summary>
    public bool Quick { get; } = quick;

    public TextWriter Output { get; } = output;

    /// <summary>Progress output for long runs, prefixed with the elapsed time.</summary>
    public void Progress(string message) =>
        Output.WriteLine($"  [{DateTime.UtcNow:HH:mm:ss}] {message}");
}
