using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Scheduler;
using Sluice.Testing;
using static Sluice.Local.Tests.Mesos.LocalMesosTesting;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Local.Tests.Mesos;

/// <summary>Custom executors: the test executor program, started by the agents as real dotnet processes.</summary>
public sealed class CustomExecutorTests
{
    [Fact]
    public async Task Executors_on_two_agents_subscribe_through_their_agent_endpoint_report_running_and_end_killed()
    {
        await using var world = await StartWorldAsync(agents: 2);
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());

        var first = await scheduler.NextOfferAsync(Quick, world.Agents[0].Id);
        var second = await scheduler.NextOfferAsync(Quick, world.Agents[1].Id);
        await scheduler.LaunchAsync(first, ExecutorTask(first, "task-a", "executor-a"));
        await scheduler.LaunchAsync(second, ExecutorTask(second, "task-b", "executor-b"));

        foreach (var (taskId, executorId, agent) in new[] { ("task-a", "executor-a", world.Agents[0]), ("task-b", "executor-b", world.Agents[1]) })
        {
            var running = await scheduler.WaitForStateAsync(taskId, TaskState.TaskRunning, Slow);
            Assert.Equal(TaskStatus.Types.Source.Executor, running.Source);
            Assert.Equal(executorId, running.ExecutorId.Value);
            Assert.Equal(agent.Id, running.AgentId.Value);
            var environment = Report(running.Data);
            Assert.Equal(agent.Endpoint, environment["MESOS_AGENT_ENDPOINT"]);
            Assert.Equal(scheduler.FrameworkId, environment["MESOS_FRAMEWORK_ID"]);
            Assert.Equal(executorId, environment["MESOS_EXECUTOR_ID"]);
            Assert.Equal(agent.Id, environment["MESOS_SLAVE_ID"]);
            Assert.Equal("0", environment["MESOS_CHECKPOINT"]);
            Assert.Equal("0", environment["MESOS_HTTP_COMMAND_EXECUTOR"]);
            Assert.Equal("2secs", environment["MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD"]);
            Assert.Equal(environment["MESOS_DIRECTORY"], environment["MESOS_SANDBOX"]);
            Assert.True(Directory.Exists(environment["MESOS_SANDBOX"]));
            Assert.StartsWith(world.WorkDirectory, environment["MESOS_SANDBOX"], StringComparison.Ordinal);
            Assert.Equal("from-command-info", environment["SLUICE_TEST_VALUE"]);
        }

        await scheduler.KillAsync("task-a", first.AgentId);
        await scheduler.KillAsync("task-b", second.AgentId);
        var killedA = await scheduler.WaitForStateAsync("task-a", TaskState.TaskKilled, Slow);
        var killedB = await scheduler.WaitForStateAsync("task-b", TaskState.TaskKilled, Slow);
        Assert.Equal(TaskStatus.Types.Source.Executor, killedA.Source);
        Assert.Equal(TaskStatus.Types.Source.Executor, killedB.Source);

        // With every task done the executors exit by themselves; the scheduler hears of it.
        var failure = await scheduler.NextAsync(e => e.Type == Event.Types.Type.Failure, Slow, "FAILURE for an exited executor");
        Assert.Equal(0, failure.Failure.Status);
        await Eventually.TrueAsync(async () => await world.Agents[0].RunningProcessCountAsync() == 0 && await world.Agents[1].RunningProcessCountAsync() == 0,
            Slow, "both executors exited");
    }

    [Fact]
    public async Task An_executor_that_exits_under_its_task_ends_it_TASK_FAILED_with_REASON_EXECUTOR_TERMINATED()
    {
        await using var world = await StartWorldAsync();
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
        var offer = await scheduler.NextOfferAsync(Quick);
        await scheduler.LaunchAsync(offer, ExecutorTask(offer, "crash-1", "executor-crash", mode: "crash"));

        var failed = await scheduler.WaitForStateAsync("crash-1", TaskState.TaskFailed, Slow);
        Assert.Equal(TaskStatus.Types.Reason.ExecutorTerminated, failed.Reason);
        Assert.Equal(TaskStatus.Types.Source.Agent, failed.Source);
        Assert.True(failed.HasUuid);

        var failure = await scheduler.NextAsync(e => e.Type == Event.Types.Type.Failure, Quick, "FAILURE for the crashed executor");
        Assert.Equal("executor-crash", failure.Failure.ExecutorId.Value);
        Assert.Equal(3 << 8, failure.Failure.Status);
    }

    [Fact]
    public async Task An_executor_that_ignores_kill_is_terminated_after_the_grace_period()
    {
        await using var world = await StartWorldAsync();
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
        var offer = await scheduler.NextOfferAsync(Quick);
        await scheduler.LaunchAsync(offer, ExecutorTask(offer, "stubborn-1", "executor-stubborn", mode: "ignore-kill"));
        await scheduler.WaitForStateAsync("stubborn-1", TaskState.TaskRunning, Slow);

        await scheduler.KillAsync("stubborn-1");

        var killed = await scheduler.WaitForStateAsync("stubborn-1", TaskState.TaskKilled, Quick);
        Assert.Equal(TaskStatus.Types.Source.Agent, killed.Source);
        Assert.Equal(TaskStatus.Types.Reason.ExecutorTerminated, killed.Reason);
    }

    [Fact]
    public async Task Framework_messages_reach_the_executor_and_back_and_shutdown_ends_its_tasks()
    {
        await using var world = await StartWorldAsync();
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
        var offer = await scheduler.NextOfferAsync(Quick);
        await scheduler.LaunchAsync(offer, ExecutorTask(offer, "chatty-1", "executor-chatty"));
        await scheduler.WaitForStateAsync("chatty-1", TaskState.TaskRunning, Slow);
        var executorId = new ExecutorID { Value = "executor-chatty" };

        await scheduler.CallAcceptedAsync(new Call
        {
            Type = Call.Types.Type.Message,
            Message = new Call.Types.Message { AgentId = offer.AgentId, ExecutorId = executorId, Data = Google.Protobuf.ByteString.CopyFromUtf8("ping") },
        });
        var echo = await scheduler.NextAsync(e => e.Type == Event.Types.Type.Message, Quick, "the executor's echo");
        Assert.Equal("echo:ping", echo.Message.Data.ToStringUtf8());
        Assert.Equal(executorId, echo.Message.ExecutorId);

        await scheduler.CallAcceptedAsync(new Call
        {
            Type = Call.Types.Type.Shutdown,
            Shutdown = new Call.Types.Shutdown { AgentId = offer.AgentId, ExecutorId = executorId },
        });
        var killed = await scheduler.WaitForStateAsync("chatty-1", TaskState.TaskKilled, Quick);
        Assert.Equal(TaskStatus.Types.Source.Executor, killed.Source);
        await Eventually.TrueAsync(async () => await world.Agents[0].RunningProcessCountAsync() == 0, Quick, "the executor exited after SHUTDOWN");
    }

    [Fact]
    public async Task Disposing_the_world_leaves_no_executor_process_behind()
    {
        int pid;
        await using (var world = await StartWorldAsync())
        {
            await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
            var offer = await scheduler.NextOfferAsync(Quick);
            await scheduler.LaunchAsync(offer, ExecutorTask(offer, "orphan-1", "executor-orphan"));
            var running = await scheduler.WaitForStateAsync("orphan-1", TaskState.TaskRunning, Slow);
            pid = int.Parse(Report(running.Data)["PID"], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(ProcessAlive(pid));
        }
        Assert.False(ProcessAlive(pid), $"executor pid {pid} is gone");
    }

    [Fact]
    public async Task An_executor_that_never_subscribes_is_killed_and_its_task_fails()
    {
        await using var world = await StartWorldAsync(configure: o => o.ExecutorRegistrationTimeout = TimeSpan.FromSeconds(1));
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
        var offer = await scheduler.NextOfferAsync(Quick);
        var task = ExecutorTask(offer, "silent-1", "executor-silent");
        task.Executor.Command = new CommandInfo { Value = "sleep 60" };

        await scheduler.LaunchAsync(offer, task);

        var failed = await scheduler.WaitForStateAsync("silent-1", TaskState.TaskFailed, Quick);
        Assert.Equal(TaskStatus.Types.Reason.ExecutorRegistrationTimeout, failed.Reason);
        await Eventually.TrueAsync(async () => await world.Agents[0].RunningProcessCountAsync() == 0, Quick, "the silent executor was killed");
    }
}
