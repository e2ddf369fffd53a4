using Sluice.EndToEnd.World;
using Sluice.Integration.Tests.Scaling;
using Sluice.Testing;
using Sluice.Testing.Kafka;
using Xunit.Abstractions;

namespace Sluice.Integration.Tests.Deployments;

/// <summary>
/// Issue 9's end-to-end runs: blue/green deployments carried out by the real scheduler over real executor
/// processes under continuous load, judged by the recording handler's output (which names the version).
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class BlueGreenEndToEndTests(KafkaFixture kafka, ITestOutputHelper output)
{
    private const int Partitions = 24;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task A_cutover_from_v1_to_v2_under_load_with_a_pause_processes_every_record_exactly_once()
    {
        var topic = await kafka.CreateTopicAsync("cutover", Partitions);
        await using var world = await kafka.StartWorldAsync(output);
        await using var load = new LoadProducer(kafka.BootstrapServers, topic, Partitions, recordsPerSecond: 600);
        try
        {
            await world.PutRecordingConsumerAsync("orders", topic, instances: 2);
            await world.WaitUntilServedByAsync("orders", 2, Partitions, Timeout);
            var id = await world.StartDeploymentAsync("orders", "v2", steps: [10, 50, 100], bakeSeconds: 1);

            await world.WaitForDeploymentAsync("orders", id, "baking", Timeout, d => d.GetProperty("step").GetInt32() == 1);
            await world.ActAsync("orders", id, "pause");
            var paused = await world.WaitForDeploymentAsync("orders", id, "paused", Timeout);
            var processed = world.Processed().Count;
            await Eventually.TrueAsync(() => world.Processed().Count > processed + 1000, Timeout, "1,000 more records are processed while paused");
            var stillPaused = await world.DeploymentAsync("orders", id);
            Assert.Equal("paused", stillPaused.GetProperty("status").GetString());
            Assert.Equal(paused.GetProperty("partitions").GetProperty("v2").GetInt32(), stillPaused.GetProperty("partitions").GetProperty("v2").GetInt32());
            await world.ActAsync("orders", id, "resume");

            var done = await world.WaitForDeploymentAsync("orders", id, "succeeded", Timeout);
            Assert.Equal(Partitions, done.GetProperty("partitions").GetProperty("v2").GetInt32());
            await Eventually.TrueAsync(async () => (await world.TasksAsync("orders")).All(t => t.StartsWith("orders.v2.", StringComparison.Ordinal)),
                Timeout, "the blue tasks are killed once green owns everything");

            var report = await world.StopAndReportAsync(load, Timeout);
            output.WriteLine($"records by version: {string.Join(", ", world.Processed().GroupBy(r => r.Version).Select(g => $"{g.Key} {g.Count()}"))}");
            Assert.Equal(0, report.Lost);
            Assert.Empty(report.Duplicates);
            // After the cutover every partition's newest records come from v2.
            Assert.All(world.Processed().GroupBy(r => r.Partition), p => Assert.Equal("v2", p.MaxBy(r => r.Offset).Version));
            PrintHandoverTimings(world);
        }
        catch
        {
            world.DumpSchedulerLog();
            throw;
        }
    }

    [Fact]
    public async Task A_v2_that_fails_every_record_fails_its_gate_and_rolls_back_with_nothing_lost()
    {
        var topic = await kafka.CreateTopicAsync("badv2", Partitions);
        await using var world = await kafka.StartWorldAsync(output);
        await using var load = new LoadProducer(kafka.BootstrapServers, topic, Partitions, recordsPerSecond: 400);
        try
        {
            await world.PutRecordingConsumerAsync("payments", topic, instances: 2);
            await world.WaitUntilServedByAsync("payments", 2, Partitions, Timeout);
            // Stop-on-failure: a failed record is never committed on v2, so after the rollback v1 processes it.
            var id = await world.StartDeploymentAsync("payments", "v2", steps: [50, 100], bakeSeconds: 2, failAll: true,
                failurePolicy: "doNotCommitOffsetAndStop");

            var rolledBack = await world.WaitForDeploymentAsync("payments", id, "rolledBack", Timeout);
            output.WriteLine($"deployment ended: {rolledBack.GetProperty("message")}");
            Assert.Contains("gate failed", rolledBack.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.False(rolledBack.GetProperty("partitions").TryGetProperty("v2", out _));
            await Eventually.TrueAsync(async () => (await world.TasksAsync("payments")).All(t => t.StartsWith("payments.v1.", StringComparison.Ordinal)),
                Timeout, "the green tasks are killed after the rollback");

            var report = await world.StopAndReportAsync(load, Timeout);
            Assert.Equal(0, report.Lost);
            Assert.DoesNotContain(world.Processed(), r => r.Version == "v2");
            Assert.Empty(report.Duplicates);
        }
        catch
        {
            world.DumpSchedulerLog();
            throw;
        }
    }

    [Fact]
    public async Task A_manual_rollback_at_50_percent_returns_everything_to_v1_and_a_restart_mid_deployment_resumes_it()
    {
        var topic = await kafka.CreateTopicAsync("rollback", Partitions);
        await using var world = await kafka.StartWorldAsync(output);
        await using var load = new LoadProducer(kafka.BootstrapServers, topic, Partitions, recordsPerSecond: 400);
        try
        {
            await world.PutRecordingConsumerAsync("ledger", topic, instances: 2);
            await world.WaitUntilServedByAsync("ledger", 2, Partitions, Timeout);

            var first = await world.StartDeploymentAsync("ledger", "v2", steps: [50, 100], bakeSeconds: 600);
            var half = await world.WaitForDeploymentAsync("ledger", first, "baking", Timeout);
            Assert.Equal(Partitions / 2, half.GetProperty("partitions").GetProperty("v2").GetInt32());
            await world.ActAsync("ledger", first, "rollback");
            var back = await world.WaitForDeploymentAsync("ledger", first, "rolledBack", Timeout);
            Assert.Equal(Partitions, back.GetProperty("partitions").GetProperty("v1").GetInt32());

            var second = await world.StartDeploymentAsync("ledger", "v3", steps: [25, 50, 100], bakeSeconds: 2);
            await world.WaitForDeploymentAsync("ledger", second, "baking", Timeout, d => d.GetProperty("step").GetInt32() >= 1);
            world.Scheduler.Kill();
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} scheduler killed mid-deployment");
            await world.Scheduler.StartAsync();
            var done = await world.WaitForDeploymentAsync("ledger", second, "succeeded", Timeout);
            Assert.Equal(Partitions, done.GetProperty("partitions").GetProperty("v3").GetInt32());

            var report = await world.StopAndReportAsync(load, Timeout);
            Assert.Equal(0, report.Lost);
            Assert.Empty(report.Duplicates);
        }
        catch
        {
            world.DumpSchedulerLog();
            throw;
        }
    }

    private void PrintHandoverTimings(SluiceWorld world)
    {
        foreach (var line in world.Scheduler.Output.Where(l => l.Contains("[Handover] batch", StringComparison.Ordinal) || l.Contains("[Deployment]", StringComparison.Ordinal)))
        {
            output.WriteLine("scheduler| " + line);
        }
    }
}
