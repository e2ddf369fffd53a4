using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Sluice.EndToEnd.World;

namespace Sluice.EndToEnd.Chaos;

/// <summary>
/// 7. 1 % poison records (the handler throws on them) with the dead-letter policy: the dead-letter topic holds
/// exactly those, each once, with its origin in the headers; everything else is processed once; no task dies.
/// </summary>
internal sealed class PoisonRecords : ChaosScenario
{
    private IReadOnlyDictionary<string, int?> _before = new Dictionary<string, int?>();

    public override int Number => 7;

    public override string Name => "poison-records";

    public override string Fault => "1 % poison records, dead-letter policy";

    protected override int PoisonEvery => 100;

    protected override int DeadLetterPartitions => 3;

    protected override async Task InjectAsync(ChaosRun run, CancellationToken cancellationToken)
    {
        // The poison flows from the start; the fault is that it keeps flowing.
        _before = await run.RunningTasksAsync();
        await run.RunSteadyAsync();
        run.Note($"{run.Load.Poison.Count} poison records produced so far");
    }

    protected override async Task JudgeAsync(ChaosRun run, ProcessingReport report, List<string> violations, CancellationToken cancellationToken)
    {
        await base.JudgeAsync(run, report, violations, cancellationToken);
        await NoTaskRestartedAsync(run, _before, violations);
        var poison = run.Load.Poison.ToHashSet();
        var processedPoison = run.World.Processed().Count(r => poison.Contains((r.Partition, r.Offset)));
        if (processedPoison > 0)
        {
            violations.Add($"{processedPoison} poison record(s) reported processed");
        }
        var dead = await ReadDeadLettersAsync(run, DeadLetterPartitions, poison.Count, cancellationToken);
        var missing = poison.Where(p => !dead.Contains(p)).ToList();
        var extra = dead.Where(d => !poison.Contains(d)).ToList();
        var twice = dead.Count - dead.Distinct().Count();
        if (missing.Count > 0 || extra.Count > 0 || twice > 0)
        {
            violations.Add($"dead-letter topic: {missing.Count} poison record(s) missing, {extra.Count} healthy record(s) in it, {twice} twice " +
                $"(e.g. missing {string.Join(", ", missing.Take(3))}; extra {string.Join(", ", extra.Take(3))})");
        }
        run.Note($"{poison.Count} poison records produced, {dead.Count} dead letters");
    }

    /// <summary>The origins (partition, offset) of the dead letters, read until <paramref name="expected"/> arrived or a quiet while passed.</summary>
    private static async Task<List<(int Partition, long Offset)>> ReadDeadLettersAsync(ChaosRun run, int partitions, int expected, CancellationToken cancellationToken)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = run.Context.Kafka.BootstrapServers,
            GroupId = "chaos-dlq-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            FetchWaitMaxMs = run.Context.Kafka.FetchWaitMaxMs,
        };
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        // Assigned, not subscribed: no group rebalance to wait for.
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(run.DeadLetterTopic!, p, Offset.Beginning)));
        var origins = new List<(int, long)>();
        var deadline = DateTime.UtcNow + run.Settings.StepTimeout;
        var quietSince = DateTime.UtcNow;
        // Past the expected count, read on for a quiet 3 s: a duplicate dead letter would arrive late.
        while (DateTime.UtcNow < deadline && (origins.Count < expected || DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(3)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = await Task.Run(() => consumer.Consume(TimeSpan.FromMilliseconds(200)), cancellationToken);
            if (result is null)
            {
                continue;
            }
            quietSince = DateTime.UtcNow;
            origins.Add((int.Parse(Header(result, "sluice-original-partition"), CultureInfo.InvariantCulture),
                long.Parse(Header(result, "sluice-original-offset"), CultureInfo.InvariantCulture)));
        }
        return origins;
    }

    private static string Header(ConsumeResult<byte[], byte[]> result, string name) =>
        result.Message.Headers.TryGetLastBytes(name, out var value)
            ? Encoding.UTF8.GetString(value)
            : throw new InvalidOperationException($"a dead letter at {result.TopicPartitionOffset} has no {name} header");
}
