using System.Globalization;
using System.Net.Sockets;
using Sluice.Proto.Mesos.V1;
using Sluice.Testing;
using static Sluice.Local.Tests.Mesos.LocalMesosTesting;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Local.Tests.Mesos;

/// <summary>
/// The local master restarted as a Mesos master fails over: down for a while (connections cut and
/// refused), back on the same URL knowing only its agents; agents register again with what they
/// run, schedulers subscribe again with their framework id, and the tasks never stop.
/// </summary>
public sealed class MasterRestartTests
{
    [Fact]
    public async Task A_restarted_master_takes_back_the_framework_and_its_running_tasks_on_resubscription()
    {
        await using var world = await StartRestartableWorldAsync();
        var info = TestScheduler.Framework(failoverTimeout: 60);
        await using var first = await TestScheduler.SubscribeAsync(world.MasterUrl, info);
        var offer = await first.NextOfferAsync(Quick);
        await first.LaunchAsync(offer, ExecutorTask(offer, "survivor-1", "executor-survivor"), CommandTask(offer, "survivor-2", "sleep 120"));
        var running = await first.WaitForStateAsync("survivor-1", TaskState.TaskRunning, Slow);
        await first.WaitForStateAsync("survivor-2", TaskState.TaskRunning, Slow);
        var pid = int.Parse(Report(running.Data)["PID"], CultureInfo.InvariantCulture);

        await world.RestartMasterAsync(TimeSpan.FromMilliseconds(500));

        await Eventually.TrueAsync(() => first.StreamEnded, Quick, "the scheduler's stream to the old master is cut");
        info.Id = new FrameworkID { Value = first.FrameworkId };
        await using var second = await TestScheduler.SubscribeAsync(world.MasterUrl, info);
        Assert.Equal(first.FrameworkId, second.FrameworkId);
        Assert.NotEqual(first.Subscribed.MasterInfo.Id, second.Subscribed.MasterInfo.Id);

        // Explicit, then implicit: both tell the truth the agent brought back.
        var reconciled = await second.ReconcileUntilAnsweredAsync("survivor-1", offer.AgentId, Slow);
        Assert.Equal(TaskState.TaskRunning, reconciled.State);
        Assert.Equal(offer.AgentId, reconciled.AgentId);
        await second.ReconcileAsync();
        Assert.Equal(TaskState.TaskRunning, (await second.NextUpdateAsync("survivor-1", Quick)).State);
        Assert.Equal(TaskState.TaskRunning, (await second.NextUpdateAsync("survivor-2", Quick)).State);

        // Nothing was started again: the executor is the same process, and both are still there.
        Assert.True(ProcessAlive(pid), $"executor pid {pid} survived the master's restart");
        Assert.Equal(2, await world.Agents[0].RunningProcessCountAsync());

        // Offers flow again, without what the surviving tasks and executor hold
        // (4 cpus - 0.5 task - 0.1 executor - 0.1 command task; 8192 MB - 128 - 64 - 32).
        var again = await second.NextOfferAsync(Quick);
        Assert.Equal(3.3, again.Resources.Where(r => r.Name == "cpus").Sum(r => r.Scalar.Value), 6);
        Assert.Equal(7968, again.Resources.Where(r => r.Name == "mem").Sum(r => r.Scalar.Value), 6);

        await second.KillAsync("survivor-1", offer.AgentId);
        await second.KillAsync("survivor-2", offer.AgentId);
        Assert.Equal(TaskStatus.Types.Source.Executor, (await second.WaitForStateAsync("survivor-1", TaskState.TaskKilled, Slow)).Source);
        await second.WaitForStateAsync("survivor-2", TaskState.TaskKilled, Slow);
        await Eventually.TrueAsync(() => !ProcessAlive(pid), Slow, "the killed task's executor exits");
    }

    [Fact]
    public async Task While_the_master_is_down_subscribing_is_refused_and_tasks_run_on_and_the_recovered_master_knows_them_from_the_agent()
    {
        await using var world = await StartRestartableWorldAsync();
        var info = TestScheduler.Framework(failoverTimeout: 60);
        string frameworkId;
        await using (var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, info))
        {
            frameworkId = scheduler.FrameworkId;
            var offer = await scheduler.NextOfferAsync(Quick);
            await scheduler.LaunchAsync(offer, CommandTask(offer, "steady-1", "sleep 120"));
            await scheduler.WaitForStateAsync("steady-1", TaskState.TaskRunning, Slow);
        }
        var agentId = world.Agents[0].Id;

        await world.Master.StopAsync();

        Assert.False(world.Master.IsRunning);
        info.Id = new FrameworkID { Value = frameworkId };
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => TestScheduler.SubscribeAsync(world.MasterUrl, info));
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(refused.InnerException).SocketErrorCode);
        Assert.Equal(1, await world.Agents[0].RunningProcessCountAsync());

        await world.Master.RecoverAsync();

        // Before any scheduler is back, the agent's report alone rebuilds the framework and its task.
        await Eventually.TrueAsync(async () => (await MasterStateAsync(world))["slaves"]!.AsArray().Count == 1,
            Quick, "the agent registered again with the recovered master");
        var state = await MasterStateAsync(world);
        Assert.Equal(agentId, (string)state["slaves"]![0]!["id"]!);
        var recovered = state["frameworks"]![0]!;
        Assert.Equal(frameworkId, (string)recovered["id"]!);
        Assert.True((bool)recovered["recovered"]!);
        Assert.False((bool)recovered["connected"]!);
        Assert.Equal("steady-1", (string)recovered["tasks"]![0]!["id"]!);
        Assert.Equal("TASK_RUNNING", (string)recovered["tasks"]![0]!["state"]!);

        await using var back = await TestScheduler.SubscribeAsync(world.MasterUrl, info);
        Assert.Equal(frameworkId, back.FrameworkId);
        var framework = (await MasterStateAsync(world))["frameworks"]![0]!;
        Assert.False((bool)framework["recovered"]!);
        Assert.True((bool)framework["connected"]!);
        Assert.Equal(TaskState.TaskRunning, (await back.ReconcileUntilAnsweredAsync("steady-1", null, Quick)).State);
    }

    [Fact]
    public async Task Status_updates_sent_while_the_master_is_down_reach_the_scheduler_in_order_after_it_resubscribes()
    {
        await using var world = await StartRestartableWorldAsync();
        var info = TestScheduler.Framework(failoverTimeout: 60);
        await using var first = await TestScheduler.SubscribeAsync(world.MasterUrl, info);
        var offer = await first.NextOfferAsync(Quick);

        // The agent has the launch before the master goes: executor and command start, report and
        // end while nobody is there to take their updates.
        await first.LaunchAsync(offer, ExecutorTask(offer, "away-1", "executor-away", mode: "finish"), CommandTask(offer, "away-2", "echo away"));
        await world.Master.StopAsync();
        await Eventually.TrueAsync(() => SandboxSays(world, "executor-away", "all tasks done"), Slow,
            "the executor reported RUNNING and FINISHED, had both taken by its agent, and exited");
        await Eventually.TrueAsync(() => SandboxSays(world, "away-2", "away"), Slow, "the command task ran");

        await world.Master.RecoverAsync();

        info.Id = new FrameworkID { Value = first.FrameworkId };
        await using var second = await TestScheduler.SubscribeAsync(world.MasterUrl, info);
        Assert.Equal([TaskState.TaskRunning, TaskState.TaskFinished], await StatesUntilTerminalAsync(second, "away-1"));
        Assert.Equal([TaskState.TaskStarting, TaskState.TaskRunning, TaskState.TaskFinished], await StatesUntilTerminalAsync(second, "away-2"));
    }

    [Fact]
    public async Task An_update_left_unacknowledged_before_the_restart_is_sent_again_with_its_uuid_and_the_next_ones_follow()
    {
        await using var world = await StartRestartableWorldAsync();
        var info = TestScheduler.Framework(failoverTimeout: 60);
        await using var first = await TestScheduler.SubscribeAsync(world.MasterUrl, info);
        var offer = await first.NextOfferAsync(Quick);
        await first.LaunchAsync(offer, CommandTask(offer, "unacked-1", "sleep 120"));
        var starting = await first.NextUpdateAsync("unacked-1", Slow);
        Assert.Equal(TaskState.TaskStarting, starting.State);

        // Not acknowledged: TASK_RUNNING waits behind it on the agent, across the restart.
        await world.RestartMasterAsync(TimeSpan.FromMilliseconds(200));

        info.Id = new FrameworkID { Value = first.FrameworkId };
        await using var second = await TestScheduler.SubscribeAsync(world.MasterUrl, info);
        var again = await second.NextUpdateAsync("unacked-1", Slow);
        Assert.Equal(TaskState.TaskStarting, again.State);
        Assert.Equal(starting.Uuid, again.Uuid);
        await second.AcknowledgeAsync(again);
        Assert.Equal(TaskState.TaskRunning, (await second.NextUpdateAsync("unacked-1", Slow)).State);
    }

    private static Task<Local.Mesos.LocalMesosWorld> StartRestartableWorldAsync() =>
        // Agents try again soon after losing the master, so tests do not wait on Mesos' 1 s default backoff.
        StartWorldAsync(configure: o => o.RegistrationBackoffFactor = TimeSpan.FromMilliseconds(200));

    /// <summary>The states of the task's updates, each acknowledged, until a terminal one.</summary>
    private static async Task<List<TaskState>> StatesUntilTerminalAsync(TestScheduler scheduler, string taskId)
    {
        var states = new List<TaskState>();
        while (true)
        {
            var status = await scheduler.NextUpdateAsync(taskId, Slow);
            Assert.True(status.HasUuid, $"{status.State} of {taskId} is a reliable update");
            await scheduler.AcknowledgeAsync(status);
            states.Add(status.State);
            if (status.State is TaskState.TaskFinished or TaskState.TaskFailed or TaskState.TaskKilled or TaskState.TaskLost)
            {
                return states;
            }
        }
    }

    /// <summary>True when the stdout of the executor's sandbox (under the world's work directory) contains <paramref name="text"/>.</summary>
    private static bool SandboxSays(Local.Mesos.LocalMesosWorld world, string executorId, string text) =>
        Directory.EnumerateFiles(world.WorkDirectory, "stdout", SearchOption.AllDirectories)
            .Where(path => path.Contains($"{Path.DirectorySeparatorChar}executors{Path.DirectorySeparatorChar}{executorId}{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Any(path => File.ReadAllText(path).Contains(text, StringComparison.Ordinal));
}
