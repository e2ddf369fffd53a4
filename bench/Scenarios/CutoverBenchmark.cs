using System.Globalization;
using Confluent.Kafka;
using Sluice.Bench.Cutover;
using Sluice.Bench.Harness;
using Sluice.Local.Kafka;

namespace Sluice.Bench.Scenarios;

/// <summary>
/// Cutover: the same topic, produce rate, handler and consumer count on one embedded cluster;
/// a Sluice blue/green cutover against a consumer-group rolling deploy with the cooperative-sticky
/// and with the eager range assignor. Ratio = Sluice's max per-partition gap during the deploy ÷
/// the better group deploy's; PASS needs ≤ 0.05 and Sluice with 0 lost, 0 unprocessed and 0 duplicates.
/// </summary>
/// <param name="sluice">The Sluice contender, or null while it is not wired (the verdict is then FAIL).</param>
internal sealed class CutoverBenchmark(ICutoverContender? sluice) : IBenchmark
{
    private const string ChartFile = "cutover-gaps.svg";
    private const int Kip848SessionTimeoutMs = 6_000;
    private const int Kip848HeartbeatIntervalMs = 500;

    public string Name => "cutover";

    public string Description => "Sluice blue/green max per-partition gap ÷ consumer-group rolling deploy's (24 partitions, 3 consumers, 4,800 msg/s)";

    public async Task<BenchmarkResult> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var settings = CutoverSettings.For(context.Quick);
        // The ratio's denominator: the classic-protocol rolling deploys of issue 9. The KIP-848 deploy
        // (DESIGN §7 asks for it on the mock) is run and reported beside them, outside the verdict.
        ICutoverContender[] groups =
        [
            GroupRollingDeployContender.Classic("group-cooperative-sticky", PartitionAssignmentStrategy.CooperativeSticky),
            GroupRollingDeployContender.Classic("group-range", PartitionAssignmentStrategy.Range),
        ];
        var kip848 = GroupRollingDeployContender.Kip848("group-kip848", Kip848SessionTimeoutMs, Kip848HeartbeatIntervalMs);
        using var kafka = EmbeddedKafka.Start(brokers: 1);
        kafka.SetConsumerGroupTimeouts(TimeSpan.FromMilliseconds(Kip848SessionTimeoutMs), TimeSpan.FromMilliseconds(Kip848HeartbeatIntervalMs));
        context.Progress($"embedded Kafka at {kafka.BootstrapServers}; {settings.Partitions} partitions, {settings.Consumers} consumers a version, {settings.RatePerSecond:N0} msg/s");

        var contenders = new List<ICutoverContender>();
        if (sluice is not null)
        {
            contenders.Add(sluice);
        }
        contenders.AddRange(groups);
        contenders.Add(kip848);

        var outcomes = new List<Outcome>();
        foreach (var contender in contenders)
        {
            context.Progress($"{contender.Name}: {contender.Description}");
            var outcome = await RunOneAsync(kafka, contender, settings, cancellationToken) with { InRatio = contender != kip848 };
            var r = outcome.Report;
            context.Progress($"{contender.Name}: max gap {r.MaxGapMs:N0} ms, paused {r.PausedPartitionSeconds:0.0} partition-s, " +
                $"{r.Duplicates:N0} duplicates, {r.Lost:N0} lost, {r.Unprocessed:N0} unprocessed, deploy {r.DeployWall.TotalSeconds:0.0} s, " +
                $"produced {r.Produced:N0} at {r.ProducedPerSecond:N0}/s");
            outcomes.Add(outcome);
        }

        var sluiceOutcome = outcomes.FirstOrDefault(o => ReferenceEquals(o.Contender, sluice));
        var bestGroup = outcomes.Where(o => o.InRatio && !ReferenceEquals(o.Contender, sluice)).MinBy(o => o.Report.MaxGapMs)!;
        var kip848Outcome = outcomes.Single(o => ReferenceEquals(o.Contender, kip848));
        var ratio = sluiceOutcome is null ? double.NaN : sluiceOutcome.Report.MaxGapMs / bestGroup.Report.MaxGapMs;

        var chart = WriteChart(outcomes, sluice is null, settings);
        context.Progress($"chart: {chart}");

        return new BenchmarkResult(
            ratio,
            Goal.AtMost(0.05),
            Figures(settings, outcomes, bestGroup, sluiceOutcome, kip848Outcome),
            Table(outcomes, sluice is null),
            Notes(settings, outcomes, sluiceOutcome, bestGroup, kip848Outcome, chart),
            new
            {
                scenario = new
                {
                    partitions = settings.Partitions,
                    consumers_per_version = settings.Consumers,
                    produce_msgs_per_s = settings.RatePerSecond,
                    value_bytes = settings.ValueBytes,
                    fetch_wait_max_ms = settings.FetchWaitMaxMs,
                    steady_window_s = settings.SteadyWindow.TotalSeconds,
                    pause_rule = $"a gap counts as a pause above {CutoverAnalysis.PauseFactor}× the steady window's p99 gap (at least {CutoverAnalysis.PauseFactor}× the produce interval of a partition, {settings.ProduceInterval.TotalMilliseconds:0.0} ms)",
                },
                mock_group_coordinator = MockGroupCoordinator,
                sluice_contender = sluice is null ? "not wired" : sluice.Description,
                runs = outcomes.Select(o => new
                {
                    name = o.Contender.Name,
                    in_ratio = o.InRatio,
                    description = o.Contender.Description,
                    settings = o.Run.Settings,
                    counters = o.Run.Counters,
                    max_gap_ms = Math.Round(o.Report.MaxGapMs, 1),
                    median_partition_max_gap_ms = Math.Round(o.Report.MedianPartitionMaxGapMs, 1),
                    max_gap_per_partition_ms = o.Report.MaxGapPerPartitionMs.Select(g => Math.Round(g, 1)).ToArray(),
                    pause_threshold_ms = Math.Round(o.Report.PauseThresholdMs, 1),
                    paused_partition_seconds = Math.Round(o.Report.PausedPartitionSeconds, 3),
                    paused_partitions = o.Report.PausedPartitions,
                    steady_max_gap_ms = Math.Round(o.Report.SteadyMaxGapMs, 1),
                    steady_p99_gap_ms = Math.Round(o.Report.SteadyP99GapMs, 1),
                    produced = o.Report.Produced,
                    produced_msgs_per_s = Math.Round(o.Report.ProducedPerSecond),
                    processed = o.Report.Processed,
                    duplicates = o.Report.Duplicates,
                    duplicated_records = o.Report.DuplicatedRecords,
                    lost = o.Report.Lost,
                    unprocessed_at_end = o.Report.Unprocessed,
                    unexpected = o.Report.Unexpected,
                    deploy_wall_s = Math.Round(o.Report.DeployWall.TotalSeconds, 2),
                    events = o.Run.Events.Select(e => new { at_s = Math.Round((e.At - o.Run.DeployStarted).TotalSeconds, 3), what = e.What }),
                    pauses = o.Report.PausedGaps.Select(g => new
                    {
                        partition = g.Partition,
                        start_s = Math.Round((g.Start - o.Run.DeployStarted).TotalSeconds, 3),
                        ms = Math.Round(g.Duration.TotalMilliseconds, 1),
                    }),
                }),
            })
        {
            ConditionsMet = sluiceOutcome is not null && sluiceOutcome.Report is { Lost: 0, Unprocessed: 0, Duplicates: 0 },
        };
    }

    /// <summary>What librdkafka's mock group coordinator does differently from a real broker (rdkafka_mock_cgrp.c, 2.16).</summary>
    internal static readonly string[] MockGroupCoordinator =
    [
        "classic protocol: when a member joins or leaves a stable group, the mock holds the join phase for session.timeout.ms − 1000 ms " +
        "before it elects a leader, even when every member has already rejoined (a real broker completes the join as soon as all known members rejoined); " +
        "only a group whose sync timed out and whose members all rejoined moves on after 100 ms",
        "a group's first join waits group.initial.rebalance.delay.ms (as a broker does; not part of the measured deploy)",
        "OffsetCommit is rejected with REBALANCE_IN_PROGRESS while the group is joining or syncing (a real broker accepts commits of the current " +
        "generation while preparing a rebalance), so an eager member's commit on revocation is lost and its records are processed again",
        "the session timeout is checked once a second; the group leader is the first member that joined",
        "KIP-848 (group.protocol=consumer): on every membership change the mock recomputes a plain range target assignment (not a broker's " +
        "sticky uniform assignor, so more partitions move) and hands it out on heartbeats: a member first gives up what it loses, the " +
        "partitions go to their new owner on its next heartbeat; session timeout and heartbeat interval are set on the cluster",
    ];

    private sealed record Outcome(ICutoverContender Contender, CutoverRun Run, CutoverReport Report)
    {
        /// <summary>False for a run reported beside the others but outside the ratio (the KIP-848 deploy).</summary>
        public bool InRatio { get; init; } = true;
    }

    private static async Task<Outcome> RunOneAsync(EmbeddedKafka kafka, ICutoverContender contender, CutoverSettings settings, CancellationToken cancellationToken)
    {
        var topic = $"cutover-{contender.Name}-{Guid.NewGuid():N}";
        kafka.CreateTopic(topic, settings.Partitions);
        var recorder = new CutoverRecorder(topic, settings.Partitions);
        using var producer = SteadyProducer.Start(kafka.BootstrapServers, topic, settings.Partitions, settings.RatePerSecond, settings.ValueBytes, recorder.RecordProduced);
        var scenario = new CutoverScenario(settings, kafka.BootstrapServers, topic, recorder, producer);
        var run = await contender.RunAsync(scenario, cancellationToken);
        var report = CutoverAnalysis.Analyze(recorder.ProducedSnapshot(), recorder.ProcessedSnapshot(), settings.Partitions, run, settings.ProduceInterval);
        return new Outcome(contender, run, report);
    }

    private static Dictionary<string, double> Figures(CutoverSettings settings, IReadOnlyList<Outcome> outcomes, Outcome bestGroup, Outcome? sluiceOutcome, Outcome kip848)
    {
        var figures = new Dictionary<string, double>
        {
            ["partitions"] = settings.Partitions,
            ["consumers_per_version"] = settings.Consumers,
            ["produce_msgs_per_s"] = settings.RatePerSecond,
            ["best_group_max_gap_ms"] = Math.Round(bestGroup.Report.MaxGapMs, 1),
            ["ratio_vs_kip848_informative"] = sluiceOutcome is null ? double.NaN : sluiceOutcome.Report.MaxGapMs / kip848.Report.MaxGapMs,
        };
        foreach (var o in outcomes)
        {
            var key = o.Contender.Name.Replace('-', '_');
            figures[$"{key}_max_gap_ms"] = Math.Round(o.Report.MaxGapMs, 1);
            figures[$"{key}_median_partition_max_gap_ms"] = Math.Round(o.Report.MedianPartitionMaxGapMs, 1);
            figures[$"{key}_paused_partition_seconds"] = Math.Round(o.Report.PausedPartitionSeconds, 3);
            figures[$"{key}_duplicates"] = o.Report.Duplicates;
            figures[$"{key}_lost"] = o.Report.Lost;
            figures[$"{key}_unprocessed_at_end"] = o.Report.Unprocessed;
            figures[$"{key}_deploy_wall_s"] = Math.Round(o.Report.DeployWall.TotalSeconds, 2);
            figures[$"{key}_steady_max_gap_ms"] = Math.Round(o.Report.SteadyMaxGapMs, 1);
            figures[$"{key}_pause_threshold_ms"] = Math.Round(o.Report.PauseThresholdMs, 1);
        }
        return figures;
    }

    private static List<string[]> Table(IReadOnlyList<Outcome> outcomes, bool sluiceMissing)
    {
        List<string[]> table =
        [
            ["run", "max gap", "p50 partition max", "paused partition-s", "paused partitions", "duplicates", "lost", "unprocessed", "deploy wall", "steady max gap", "pause >"],
        ];
        if (sluiceMissing)
        {
            table.Add(["sluice", "not wired", "", "", "", "", "", "", "", "", ""]);
        }
        foreach (var o in outcomes)
        {
            var r = o.Report;
            table.Add(
            [
                o.InRatio ? o.Contender.Name : o.Contender.Name + " (not in ratio)",
                Ms(r.MaxGapMs),
                Ms(r.MedianPartitionMaxGapMs),
                r.PausedPartitionSeconds.ToString("0.00", CultureInfo.InvariantCulture),
                r.PausedPartitions.ToString(CultureInfo.InvariantCulture),
                r.Duplicates.ToString("N0", CultureInfo.InvariantCulture),
                r.Lost.ToString("N0", CultureInfo.InvariantCulture),
                r.Unprocessed.ToString("N0", CultureInfo.InvariantCulture),
                r.DeployWall.TotalSeconds.ToString("0.0 s", CultureInfo.InvariantCulture),
                Ms(r.SteadyMaxGapMs),
                Ms(r.PauseThresholdMs),
            ]);
        }
        return table;
    }

    private static List<string> Notes(CutoverSettings settings, IReadOnlyList<Outcome> outcomes, Outcome? sluiceOutcome, Outcome bestGroup, Outcome kip848, string chart)
    {
        var notes = new List<string>();
        if (sluiceOutcome is null)
        {
            notes.Add("sluice contender not wired: the ratio is not available and the verdict is FAIL until an ICutoverContender is passed to " +
                "new CutoverBenchmark(sluice: ...) in bench/Program.cs.");
        }
        else
        {
            notes.Add($"ratio = {sluiceOutcome.Contender.Name} max gap {Ms(sluiceOutcome.Report.MaxGapMs)} ÷ {bestGroup.Contender.Name} max gap {Ms(bestGroup.Report.MaxGapMs)}; " +
                $"PASS also needs 0 lost, 0 unprocessed and 0 duplicates for {sluiceOutcome.Contender.Name} " +
                $"({sluiceOutcome.Report.Lost} lost, {sluiceOutcome.Report.Unprocessed} unprocessed, {sluiceOutcome.Report.Duplicates} duplicates).");
        }
        notes.Add($"{kip848.Contender.Name} (KIP-848, group.protocol=consumer) is reported beside the classic deploys and is not in the ratio: " +
            $"max gap {Ms(kip848.Report.MaxGapMs)} against {Ms(bestGroup.Report.MaxGapMs)} for {bestGroup.Contender.Name}" +
            (sluiceOutcome is null ? "." : $"; Sluice's gap ÷ it = {sluiceOutcome.Report.MaxGapMs / kip848.Report.MaxGapMs:0.###}."));
        foreach (var o in outcomes)
        {
            notes.Add($"{o.Contender.Name}: {string.Join(", ", o.Run.Settings.Select(s => $"{s.Key}={s.Value}"))}");
            if (o.Run.Counters.Count > 0)
            {
                notes.Add($"{o.Contender.Name} counted: {string.Join(", ", o.Run.Counters.Select(c => $"{c.Key}={c.Value}"))}");
            }
        }
        notes.Add($"gap = time a partition had a record waiting and processed nothing; max gap over the deploy window (first step until every partition resumed " +
            $"after the last old consumer stopped); a pause is a gap over {CutoverAnalysis.PauseFactor}× the steady window's p99 gap. " +
            $"{settings.RatePerSecond:N0} msg/s over {settings.Partitions} partitions keeps every partition non-empty; fetch.wait.max.ms={settings.FetchWaitMaxMs} on the mock.");
        notes.Add("mock group coordinator: " + string.Join("; ", MockGroupCoordinator) +
            ". Group gaps and duplicates here are therefore larger than on a real broker: compare with care.");
        notes.Add($"chart: {chart}");
        return notes;
    }

    private static string WriteChart(IReadOnlyList<Outcome> outcomes, bool sluiceMissing, CutoverSettings settings)
    {
        var panels = new List<GapChart.Panel>();
        if (sluiceMissing)
        {
            panels.Add(new GapChart.Panel("sluice", null, null, "sluice contender not wired"));
        }
        panels.AddRange(outcomes.Select(o => new GapChart.Panel(
            $"{o.Contender.Name}{(o.InRatio ? "" : " (not in the ratio)")}: max gap {Ms(o.Report.MaxGapMs)}, paused {o.Report.PausedPartitionSeconds:0.0} partition-s, " +
            $"{o.Report.Duplicates:N0} duplicates, {o.Report.Lost:N0} lost, {o.Report.Unprocessed:N0} unprocessed",
            o.Run, o.Report)));
        var svg = GapChart.Render(panels, settings.Partitions,
            $"cutover: per-partition pauses during the deploy ({settings.Partitions} partitions, {settings.Consumers} consumers, {settings.RatePerSecond:N0} msg/s)");
        var directory = BenchmarkRunner.ResultsDirectory();
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, ChartFile);
        File.WriteAllText(path, svg);
        return Path.GetRelativePath(Environment.CurrentDirectory, path);
    }

    private static string Ms(double ms) =>
        ms >= 1_000 ? (ms / 1_000).ToString("0.00 s", CultureInfo.InvariantCulture) : ms.ToString("0 ms", CultureInfo.InvariantCulture);
}
