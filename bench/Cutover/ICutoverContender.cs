namespace Sluice.Bench.Cutover;

/// <summary>
/// One way of replacing a running consumer version by a new one under load: the benchmark runs
/// every contender on the same embedded cluster, topic shape, produce rate and handler, and
/// compares what the recorded stream shows (gaps, duplicates, losses).
/// </summary>
/// <remarks>
/// <para>The harness creates the topic, starts the steady producer and hands over a
/// <see cref="CutoverScenario"/>. <see cref="RunAsync"/> then, in this order:</para>
/// <list type="number">
/// <item>starts <see cref="CutoverScenario.Consumers"/> consumers of <see cref="CutoverScenario.OldVersion"/>
/// on <see cref="CutoverScenario.Topic"/>, from the earliest offset, whose handler calls
/// <see cref="CutoverScenario.Sink"/> once per finished record;</item>
/// <item>awaits <see cref="CutoverScenario.WarmUpAsync"/> (every partition flowing, then the steady window);</item>
/// <item>calls <see cref="CutoverScenario.MarkDeployStarted"/>, replaces all consumers with as many of
/// <see cref="CutoverScenario.NewVersion"/> (noting steps with <see cref="CutoverScenario.Note"/>), and stops
/// every old consumer;</item>
/// <item>awaits <see cref="CutoverScenario.FinishDeployAsync"/> (every partition processed after the last
/// old consumer stopped), then <see cref="CutoverScenario.StopProducingAndDrainAsync"/>;</item>
/// <item>stops the new consumers and returns <see cref="CutoverScenario.Complete"/>'s run.</item>
/// </list>
/// <para>Exceptions fail the benchmark; a contender must stop everything it started on every path.</para>
/// </remarks>
internal interface ICutoverContender
{
    /// <summary>Short name used in tables, JSON keys and the chart (e.g. <c>group-range</c>).</summary>
    string Name { get; }

    /// <summary>One line: what this contender does.</summary>
    string Description { get; }

    Task<CutoverRun> RunAsync(CutoverScenario scenario, CancellationToken cancellationToken);
}
