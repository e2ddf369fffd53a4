using Sluice.EndToEnd.Chaos;
using Sluice.EndToEnd.World;
using Sluice.Testing;
using Sluice.Testing.Kafka;
using Xunit.Abstractions;

namespace Sluice.Integration.Tests.Scaling;

/// <summary>
/// Issue 8's end-to-end run: the real scheduler process on the local Mesos world launches real executor
/// processes; a consumer on a 24-partition topic under continuous load is scaled through the REST API. The
/// recording handler's output is the judge. (A SIGKILLed executor is the first fault scenario, under Faults/.)
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class ScalingEndToEndTests(KafkaFixture kafka, ITestOutputHelper output)
{
    private const int Partitions = 24;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Scaling_2_5_1_3_under_load_loses_nothing_and_duplicates_nothing()
    {
        var topic = await kafka.CreateTopicAsync("scale", Partitions);
        await using var world = await kafka.StartWorldAsync(output);
        await using var load = new LoadProducer(kafka.BootstrapServers, topic, Partitions, recordsPerSecond: 600);
        try
        {
            await world.PutRecordingConsumerAsync("orders", topic, instances: 2);
            await world.WaitUntilServedByAsync("orders", 2, Partitions, StepTimeout);
            foreach (var instances in new[] { 5, 1, 3 })
            {
                await world.ScaleAsync("orders", instances, StepTimeout);
                await world.WaitUntilServedByAsync("orders", instances, Partitions, StepTimeout);
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} scaled to {instances}: {world.Processed().Count} records processed so far");
            }

            var report = await world.StopAndReportAsync(load, StepTimeout);
            Assert.Equal(0, report.Lost);
            Assert.Empty(report.Duplicates);
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
        await using var world = await kafka.StartWorldAsync(output);
        await using var load = new LoadProducer(kafka.BootstrapServers, topic, Partitions, recordsPerSecond: 400);
        try
        {
            await world.PutRecordingConsumerAsync("billing", topic, instances: 3);
            await world.WaitUntilServedByAsync("billing", 3, Partitions, StepTimeout);
            var tasks = (await world.TasksAsync("billing")).Order().ToList();
            var pids = tasks.Select(t => ExecutorProcesses.FindPid(t)).ToList();
            var frameworkBefore = FrameworkIds.SubscribedAs(world.Scheduler);

            world.Scheduler.Kill();
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} scheduler killed with SIGKILL; {world.Processed().Count} records processed so far");
            await world.Scheduler.StartAsync();
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} scheduler answers again");
            await world.WaitUntilServedByAsync("billing", 3, Partitions, StepTimeout);

            Assert.Equal(tasks, (await world.TasksAsync("billing")).Order().ToList());
            Assert.Equal(pids, tasks.Select(t => ExecutorProcesses.FindPid(t)).ToList());
            Assert.Equal(frameworkBefore, FrameworkIds.SubscribedAs(world.Scheduler));
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
}
