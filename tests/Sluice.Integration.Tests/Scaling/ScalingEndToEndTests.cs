using Sluice.Integration.Tests.Framework;
using Sluice.Testing;
using Sluice.Testing.Kafka;
using Xunit.Abstractions;

namespace Sluice.Integration.Tests.Scaling;

/// <summary>
/// Issue 8's end-to-end run: the real scheduler process on the local Mesos world launches real executor
/// processes; a consumer on a 24-partition topic under continuous load is scaled through the REST API and
/// one executor is killed with SIGKILL. The recording handler's output is the judge.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class ScalingEndToEndTests(KafkaFixture kafka, ITestOutputHelper output)
{
    private const int Partitions = 24;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Scaling_2_5_1_3_under_load_loses_nothing_and_duplicates_only_what_a_killed_executor_had_in_flight()
    {
        var topic = await kafka.CreateTopicAsync("scale", Partitions);
        await using var world = await SluiceWorld.StartAsync(kafka, output);
        await using var load = new LoadProducer(kafka.BootstrapServers, topic, Partitions, recordsPerSecond: 600);
        try
        {
            await world.PutRecordingConsumerAsync("orders", topic, instances: 2);
            await WaitUntilServedByAsync(world, "orders", 2);
            foreach (var instances in new[] { 5, 1, 3 })
            {
                await world.ScaleAsync("orders", instances, StepTimeout);
                await WaitUntilServedByAsync(world, "orders", instances);
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} scaled to {instances}: {world.Processed().Count} records processed so far");
            }

            var victim = (await world.TasksAsync("orders"))[0];
            var pid = ExecutorProcesses.FindPid(victim) ?? throw new InvalidOperationException($"no executor process for {victim}");
            var killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            ExecutorProcesses.Kill(pid);
            output.WriteLine($"killed {victim} (pid {pid}) with SIGKILL");
            await Eventually.TrueAsync(async () => !(await world.TasksAsync("orders")).Contains(victim), StepTimeout, "Mesos reports the killed task gone");
            await WaitUntilServedByAsync(world, "orders", 3);

            var report = await world.StopAndReportAsync(load, StepTimeout);
            var beforeKill = ProcessingReport.Of([], world.Processed().Where(r => r.ProcessedAtUnixMs < killedAt).ToList());
            output.WriteLine($"clean scale moves (before the kill): {beforeKill.Gaps}");
            Assert.Equal(0, report.Lost);
            Assert.Empty(beforeKill.Duplicates);
            // After the kill, a duplicate can only be a record the killed task processed but had not committed.
            var firstBy = world.Processed().GroupBy(r => (r.Partition, r.Offset)).ToDictionary(g => g.Key, g => g.MinBy(r => r.ProcessedAtUnixMs).TaskId);
            Assert.All(report.Duplicates, d => Assert.Equal(victim, firstBy[(d.Partition, d.Offset)]));
            output.WriteLine($"duplicates after the kill: {report.Duplicates.Count}, all first processed by {victim}");
            foreach (var line in world.Scheduler.Output.Where(l => l.Contains("[Handover] batch", StringComparison.Ordinal)).Take(60))
            {
                output.WriteLine("scheduler| " + line);
            }
        }
        catch
        {
            world.DumpSchedulerLog();
            throw;
        }
    }

    [Fact]
    public async Task A_restarted_scheduler_resubscribes_and_its_executors_reconnect_without_restarting_a_task_or_losing_a_record()
    {
        var topic = await kafka.CreateTopicAsync("restart", Partitions);
        await using var world = await SluiceWorld.StartAsync(kafka, output);
        await using var load = new LoadProducer(kafka.BootstrapServers, topic, Partitions, recordsPerSecond: 400);
        try
        {
            await world.PutRecordingConsumerAsync("billing", topic, instances: 3);
            await WaitUntilServedByAsync(world, "billing", 3);
            var tasks = (await world.TasksAsync("billing")).Order().ToList();
            var pids = tasks.Select(t => ExecutorProcesses.FindPid(t)).ToList();
            var frameworkBefore = FrameworkIdOf(world);

            world.Scheduler.Kill();
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} scheduler killed with SIGKILL; {world.Processed().Count} records processed so far");
            await world.Scheduler.StartAsync();
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} scheduler answers again");
            await WaitUntilServedByAsync(world, "billing", 3);

            Assert.Equal(tasks, (await world.TasksAsync("billing")).Order().ToList());
            Assert.Equal(pids, tasks.Select(t => ExecutorProcesses.FindPid(t)).ToList());
            Assert.Equal(frameworkBefore, FrameworkIdOf(world));
            Assert.Contains(world.Scheduler.Output, l => l.Contains("[Mesos] subscribed as framework " + frameworkBefore, StringComparison.Ordinal));

            var report = await world.StopAndReportAsync(load, StepTimeout);
            Assert.Equal(0, report.Lost);
            Assert.Empty(report.Duplicates);
        }
        catch
        {
            world.DumpSchedulerLog();
            throw;
        }
    }

    /// <summary>The framework id the scheduler persisted in its file state.</summary>
    private static string FrameworkIdOf(SluiceWorld world)
    {
        var subscribed = world.Scheduler.Output.LastOrDefault(l => l.Contains("[Mesos] subscribed as framework ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("the scheduler never subscribed");
        return subscribed[(subscribed.LastIndexOf(' ') + 1)..];
    }

    /// <summary>Exactly <paramref name="instances"/> running tasks, all connected, owning every partition between them.</summary>
    internal static async Task WaitUntilServedByAsync(SluiceWorld world, string consumer, int instances)
    {
        string last = "";
        await Eventually.TrueAsync(async () =>
        {
            var status = await world.StatusAsync(consumer);
            var running = status.GetProperty("tasks").EnumerateArray()
                .Where(t => t.GetProperty("mesosState").GetString() == "running" && t.GetProperty("connected").GetBoolean())
                .Select(t => t.GetProperty("taskId").GetString()!)
                .ToHashSet();
            var partitions = status.GetProperty("partitions").EnumerateArray().ToList();
            var owned = partitions.Count(p => p.GetProperty("owner").GetString() is { } o && running.Contains(o) && p.GetProperty("state").GetString() == "owned");
            last = $"{running.Count} running+connected of {status.GetProperty("tasks").GetArrayLength()}, {owned}/{Partitions} partitions owned by them";
            return running.Count == instances && partitions.Count == Partitions && owned == Partitions;
        }, StepTimeout, $"{instances} task(s) serve every partition of {consumer} (last: {last})");
    }
}
