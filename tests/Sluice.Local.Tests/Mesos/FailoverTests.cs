using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Scheduler;
using Sluice.Testing;
using static Sluice.Local.Tests.Mesos.LocalMesosTesting;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Local.Tests.Mesos;

/// <summary>Scheduler disconnection, failover within <c>failover_timeout</c>, and removal after it.</summary>
public sealed class FailoverTests
{
    [Fact]
    public async Task A_scheduler_that_resubscribes_within_the_failover_timeout_keeps_its_tasks()
    {
        await using var world = await StartWorldAsync();
        var info = TestScheduler.Framework(failoverTimeout: 60);
        string frameworkId;
        string oldStream;
        await using (var first = await TestScheduler.SubscribeAsync(world.MasterUrl, info))
        {
            frameworkId = first.FrameworkId;
            oldStream = first.StreamId;
            var offer = await first.NextOfferAsync(Quick);
            await first.LaunchAsync(offer, CommandTask(offer, "keep-1", "sleep 60"));
            await first.WaitForStateAsync("keep-1", TaskState.TaskRunning, Slow);
        }

        await Eventually.TrueAsync(async () => (bool)(await MasterStateAsync(world))["frameworks"]![0]!["connected"]! == false,
            Quick, "the master saw the scheduler disconnect");
        var state = await MasterStateAsync(world);
        Assert.Equal("TASK_RUNNING", (string)state["frameworks"]![0]!["tasks"]![0]!["state"]!);

        info.Id = new FrameworkID { Value = frameworkId };
        await using var second = await TestScheduler.SubscribeAsync(world.MasterUrl, info);
        Assert.Equal(frameworkId, second.FrameworkId);
        Assert.NotEqual(oldStream, second.StreamId);

        await second.ReconcileAsync(("keep-1", null));
        var reconciled = await second.NextUpdateAsync("keep-1", Quick);
        Assert.Equal(TaskState.TaskRunning, reconciled.State);
        Assert.Equal(TaskStatus.Types.Reason.Reconciliation, reconciled.Reason);

        // The old stream id is no longer the framework's.
        using var stale = await second.CallAsync(new Call { Type = Call.Types.Type.Revive, Revive = new Call.Types.Revive() }, oldStream);
        Assert.Equal(400, (int)stale.StatusCode);
    }

    [Fact]
    public async Task A_newer_subscription_wins_and_the_older_stream_gets_an_error_and_closes()
    {
        await using var world = await StartWorldAsync();
        var info = TestScheduler.Framework(failoverTimeout: 60);
        await using var first = await TestScheduler.SubscribeAsync(world.MasterUrl, info);

        info.Id = new FrameworkID { Value = first.FrameworkId };
        await using var second = await TestScheduler.SubscribeAsync(world.MasterUrl, info);

        var error = await first.NextAsync(e => e.Type == Event.Types.Type.Error, Quick, "ERROR on the older stream");
        Assert.Equal("Framework failed over", error.Error.Message);
        await Eventually.TrueAsync(() => first.StreamEnded, Quick, "the older stream is closed");
        Assert.Equal(first.FrameworkId, second.FrameworkId);
        await second.NextOfferAsync(Quick);
    }

    [Fact]
    public async Task After_the_failover_timeout_the_tasks_are_killed_and_the_framework_removed()
    {
        await using var world = await StartWorldAsync();
        var info = TestScheduler.Framework(failoverTimeout: 1);
        string frameworkId;
        await using (var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, info))
        {
            frameworkId = scheduler.FrameworkId;
            var offer = await scheduler.NextOfferAsync(Quick);
            await scheduler.LaunchAsync(offer, CommandTask(offer, "doomed-1", "sleep 60"), ExecutorTask(offer, "doomed-2", "executor-doomed"));
            await scheduler.WaitForStateAsync("doomed-1", TaskState.TaskRunning, Slow);
            await scheduler.WaitForStateAsync("doomed-2", TaskState.TaskRunning, Slow);
        }

        await Eventually.TrueAsync(async () => (await MasterStateAsync(world))["completed_frameworks"]!.AsArray().Count == 1,
            Quick, "the framework is removed after its failover timeout");
        var removed = (await MasterStateAsync(world))["completed_frameworks"]![0]!;
        Assert.Equal(frameworkId, (string)removed["id"]!);
        Assert.All(removed["completed_tasks"]!.AsArray(), t => Assert.Equal("TASK_KILLED", (string)t!["state"]!));
        Assert.Equal(2, removed["completed_tasks"]!.AsArray().Count);
        await Eventually.TrueAsync(async () => await world.Agents[0].RunningProcessCountAsync() == 0, Quick, "the framework's processes are gone");

        // Too late: a SUBSCRIBE with the removed id is told so.
        info.Id = new FrameworkID { Value = frameworkId };
        await using var late = await TestScheduler.SubscribeAsync(world.MasterUrl, info, expectSubscribed: false);
        var error = await late.NextAsync(e => e.Type == Event.Types.Type.Error, Quick, "ERROR for a removed framework");
        Assert.Equal("Framework has been removed", error.Error.Message);
    }

    [Fact]
    public async Task Teardown_kills_every_task_of_the_framework()
    {
        await using var world = await StartWorldAsync();
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework(failoverTimeout: 60));
        var offer = await scheduler.NextOfferAsync(Quick);
        await scheduler.LaunchAsync(offer, CommandTask(offer, "torn-1", "sleep 60"));
        await scheduler.WaitForStateAsync("torn-1", TaskState.TaskRunning, Slow);

        await scheduler.CallAcceptedAsync(new Call { Type = Call.Types.Type.Teardown });

        await Eventually.TrueAsync(() => scheduler.StreamEnded, Quick, "the stream is closed");
        await Eventually.TrueAsync(async () => await world.Agents[0].RunningProcessCountAsync() == 0, Quick, "the task's process is gone");
        var removed = (await MasterStateAsync(world))["completed_frameworks"]![0]!;
        Assert.Equal("TASK_KILLED", (string)removed["completed_tasks"]![0]!["state"]!);
    }
}
