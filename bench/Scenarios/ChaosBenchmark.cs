using System.Globalization;
using Sluice.Bench.Harness;
using Sluice.EndToEnd.Chaos;
using Sluice.Testing.Kafka;
using Sluice.Testing.ZooKeeper;

namespace Sluice.Bench.Scenarios;

/// <summary>
/// Chaos: every fault scenario of issue 11 (the same code the end-to-end tests run) one after another on one
/// embedded Kafka (3 brokers) and one ZooKeeper server, each under continuous load with the recording handler.
/// Ratio = records lost ÷ records produced over all scenarios, goal ≤ 0; PASS also needs every scenario's own
/// guarantees (duplicates, two owners, tasks kept, dead letters) to hold.
/// </summary>
internal sealed class ChaosBenchmark : IBenchmark
{
    public string Name => "chaos";

    public string Description => "fault scenarios under load: produced, processed, lost, duplicated, longest partition gap (goal: 0 lost)";

    public async Task<BenchmarkResult> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var settings = ChaosSettings.Bench(context.Quick);
        await using var kafka = new EmbeddedKafkaCluster(brokers: 3);
        await using var zooKeeper = new ZooKeeperServer();
        await zooKeeper.InitializeAsync();
        context.Progress($"{kafka.Description}; ZooKeeper ({zooKeeper.Kind}) at {zooKeeper.ConnectionString}; " +
            $"{settings.Partitions} partitions, {settings.Instances} tasks, {settings.RecordsPerSecond} records/s, outages {settings.Outage.TotalSeconds:0} s");
        var log = Path.Combine(Path.GetTempPath(), $"sluice-chaos-{DateTime.UtcNow:yyyyMMdd-HHmmss}.log");
        await using var logFile = new StreamWriter(log) { AutoFlush = true };
        var chaos = new ChaosContext(kafka, zooKeeper.ConnectionString, settings, line => logFile.WriteLine(line));

        var outcomes = new List<ChaosOutcome>();
        foreach (var scenario in ChaosCatalog.All())
        {
            context.Progress($"{scenario.Number}. {scenario.Name}: {scenario.Fault}");
            var outcome = await scenario.RunAsync(chaos, cancellationToken);
            context.Progress($"{scenario.Number}. {scenario.Name}: {(outcome.Passed ? "PASS" : "FAIL")}; {outcome.Report}");
            foreach (var violation in outcome.Violations)
            {
                context.Progress("   ✗ " + violation);
            }
            outcomes.Add(outcome);
        }

        var produced = outcomes.Sum(o => o.Report.Produced);
        var lost = outcomes.Sum(o => o.Report.Lost);
        return new BenchmarkResult(
            produced == 0 ? double.NaN : (double)lost / produced,
            Goal.AtMost(0),
            new Dictionary<string, double>
            {
                ["scenarios"] = outcomes.Count,
                ["scenarios_passed"] = outcomes.Count(o => o.Passed),
                ["produced"] = produced,
                ["lost"] = lost,
                ["duplicated"] = outcomes.Sum(o => o.Report.Duplicates.Count),
            },
            Table(outcomes),
            [$"scenario log (scheduler output on failures, notes): {log}", .. outcomes.SelectMany(o => o.Notes.Select(n => $"{o.Number}. {n}"))],
            outcomes.Select(o => new
            {
                number = o.Number,
                name = o.Name,
                fault = o.Fault,
                passed = o.Passed,
                produced = o.Report.Produced,
                processed = o.Report.Processed,
                lost = o.Report.Lost,
                duplicated = o.Report.Duplicates.Count,
                longest_partition_gap_ms = o.MaxGapMs,
                owner_changes = o.Report.OwnerChangeGapsMs.Count,
                owner_change_gap_p99_ms = o.Report.Percentile(0.99),
                two_owners = o.Report.Overlaps.Count + o.Report.Interleavings.Count,
                wall_s = Math.Round(o.Wall.TotalSeconds, 1),
                violations = o.Violations,
                notes = o.Notes,
            }).ToArray())
        {
            ConditionsMet = outcomes.All(o => o.Passed),
        };
    }

    private static List<string[]> Table(IEnumerable<ChaosOutcome> outcomes)
    {
        var rows = new List<string[]> { new[] { "#", "fault", "produced", "processed", "lost", "duplicated", "longest gap", "verdict" } };
        rows.AddRange(outcomes.Select(o => new[]
        {
            o.Number.ToString(CultureInfo.InvariantCulture),
            o.Fault,
            o.Report.Produced.ToString("N0", CultureInfo.InvariantCulture),
            o.Report.Processed.ToString("N0", CultureInfo.InvariantCulture),
            o.Report.Lost.ToString(CultureInfo.InvariantCulture),
            o.Report.Duplicates.Count.ToString(CultureInfo.InvariantCulture),
            $"{o.MaxGapMs:N0} ms",
            o.Passed ? "PASS" : "FAIL",
        }));
        return rows;
    }
}
