using System.Diagnostics;
using Sluice.EndToEnd.World;

namespace Sluice.EndToEnd.Chaos;

/// <summary>
/// A fault scenario (issue 11): a consumer with the recording handler serves a topic under continuous load,
/// the fault happens, the world recovers, the load stops, and the recording handler's output is judged:
/// every produced record processed (0 lost), duplicates only where the scenario's guarantee allows them,
/// and never two tasks processing one partition at once (no overlapping runs in offset order).
/// </summary>
internal abstract class ChaosScenario
{
    public abstract int Number { get; }

    /// <summary>Short name, for the table and the test's name.</summary>
    public abstract string Name { get; }

    /// <summary>The fault, in a few words.</summary>
    public abstract string Fault { get; }

    /// <summary>Scheduler instances (standbys need ZooKeeper state).</summary>
    protected virtual int Schedulers => 1;

    /// <summary>Every n-th record is poison (0: none).</summary>
    protected virtual int PoisonEvery => 0;

    /// <summary>Partitions of the dead-letter topic, made when <see cref="PoisonEvery"/> is set.</summary>
    protected virtual int DeadLetterPartitions => 1;

    protected virtual IReadOnlyList<string> SchedulerArgs => [];

    public async Task<ChaosOutcome> RunAsync(ChaosContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await RunOnceAsync(context, cancellationToken);
        }
        finally
        {
            await CleanUpAsync();
        }
    }

    private async Task<ChaosOutcome> RunOnceAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        var settings = context.Settings;
        var topic = $"chaos-{Name}-{Guid.NewGuid():N}";
        await context.Kafka.CreateTopicAsync(topic, settings.Partitions, cancellationToken);
        string? deadLetters = null;
        if (PoisonEvery > 0)
        {
            deadLetters = topic + "-dlq";
            await context.Kafka.CreateTopicAsync(deadLetters, DeadLetterPartitions, cancellationToken);
        }
        SluiceWorld world;
        try
        {
            world = await SluiceWorld.StartAsync(context.Kafka, new SluiceWorldOptions
            {
                Schedulers = Schedulers,
                ZooKeeper = Schedulers > 1 ? context.RequireZooKeeper() : null,
                SchedulerArgs = SchedulerArgs,
                Log = context.Log,
            });
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            context.Log(ex.ToString());
            return new ChaosOutcome(Number, Name, Fault, ProcessingReport.Of([], []), [$"the world did not start: {ex.Message}"], [], wall.Elapsed);
        }
        await using var _ = world;
        WorldStarted(world);
        await using var load = new LoadProducer(context.Kafka.BootstrapServers, topic, settings.Partitions, settings.RecordsPerSecond, PoisonEvery);
        var run = new ChaosRun(world, load, context, topic, deadLetters);
        var violations = new List<string>();
        ProcessingReport report;
        try
        {
            await world.PutRecordingConsumerAsync(ChaosRun.Consumer, topic, settings.Instances, deadLetterTopic: deadLetters);
            await run.WaitUntilServedAsync();
            await run.RunSteadyAsync();
            run.Note($"fault: {Fault}");
            await InjectAsync(run, cancellationToken);
            run.Note("recovered");
            await run.RunSteadyAsync();
            report = await world.StopAndReportAsync(load, settings.StepTimeout);
            if (report.Lost > 0)
            {
                violations.Add($"{report.Lost} produced record(s) never processed");
            }
            // Overlaps are the verdict on two owners: in offset order, concurrent owners' runs overlap in time.
            // Interleavings are reported only: a partition moved to a task that is killed at once comes back
            // within the window legitimately (seen in scenario 8).
            if (report.Overlaps.Count > 0)
            {
                violations.Add($"two tasks processed one partition at once: {string.Join("; ", report.Overlaps.Take(5))}");
            }
            foreach (var interleaving in report.Interleavings.Take(5))
            {
                run.Note($"quick return (not a violation when no run overlaps): {interleaving}");
            }
            await JudgeAsync(run, report, violations, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            world.DumpSchedulerLog();
            report = ProcessingReport.Of(load.Delivered, world.Processed());
            violations.Add($"the scenario did not complete: {ex.GetType().Name}: {ex.Message}");
            context.Log(ex.ToString());
        }
        var outcome = new ChaosOutcome(Number, Name, Fault, report, violations, run.Notes, wall.Elapsed);
        context.Log(outcome.ToString());
        return outcome;
    }

    /// <summary>Releases what the scenario holds beyond the world (run or not).</summary>
    protected virtual ValueTask CleanUpAsync() => ValueTask.CompletedTask;

    /// <summary>The world runs, no consumer yet: the moment to wire what needs the schedulers' ports.</summary>
    protected virtual void WorldStarted(SluiceWorld world)
    {
    }

    /// <summary>Does the fault and waits until the world has recovered from it.</summary>
    protected abstract Task InjectAsync(ChaosRun run, CancellationToken cancellationToken);

    /// <summary>The scenario's own guarantees; by default: not one duplicate.</summary>
    protected virtual Task JudgeAsync(ChaosRun run, ProcessingReport report, List<string> violations, CancellationToken cancellationToken)
    {
        if (report.Duplicates.Count > 0)
        {
            violations.Add($"{report.Duplicates.Count} record(s) processed twice, e.g. {report.Duplicates[0]}");
        }
        return Task.CompletedTask;
    }

    /// <summary>Duplicates are allowed only for records <paramref name="victim"/> processed first (its uncommitted in-flight work).</summary>
    protected static void OnlyTheVictimsInFlightDuplicated(ChaosRun run, ProcessingReport report, string victim, List<string> violations)
    {
        var firstBy = run.World.Processed().GroupBy(r => (r.Partition, r.Offset)).ToDictionary(g => g.Key, g => g.MinBy(r => r.ProcessedAtUnixMs)!.TaskId);
        var others = report.Duplicates.Where(d => firstBy[(d.Partition, d.Offset)] != victim).ToList();
        if (others.Count > 0)
        {
            violations.Add($"{others.Count} duplicate(s) first processed by a task that was not killed, e.g. {others[0]}");
        }
        run.Note($"{report.Duplicates.Count} duplicate(s), all first processed by the killed {victim}: {others.Count == 0}");
    }

    /// <summary>The same tasks run on the same executor processes as before the fault.</summary>
    protected static async Task NoTaskRestartedAsync(ChaosRun run, IReadOnlyDictionary<string, int?> before, List<string> violations)
    {
        var after = await run.RunningTasksAsync();
        if (!before.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(after.OrderBy(p => p.Key, StringComparer.Ordinal)))
        {
            violations.Add($"tasks changed: before [{Describe(before)}], after [{Describe(after)}]");
        }
        static string Describe(IReadOnlyDictionary<string, int?> tasks) => string.Join(", ", tasks.Select(t => $"{t.Key} pid {t.Value}"));
    }
}
