using Sluice.Proto.Mesos.V1;
using Sluice.Testing;
using Sluice.Testing.Logging;
using static Sluice.Local.Tests.Mesos.LocalMesosTesting;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Local.Tests.Mesos;

/// <summary>
/// Calls that parse but carry values a master must not take as they are (issue 11, "Bad input"):
/// IDs that would be paths, resources that are not amounts, durations beyond any timer. Each is
/// refused as Mesos refuses it, and nothing is logged as an error.
/// </summary>
public sealed class BadCallTests
{
    private readonly ListLoggerFactory _logs = new() { MinimumLevel = Microsoft.Extensions.Logging.LogLevel.Warning };

    private Task<Sluice.Local.Mesos.LocalMesosWorld> StartAsync() => StartWorldAsync(configure: o => o.LoggerFactory = _logs);

    // Found in review of the fuzzed paths: "../x" became a sandbox directory outside the agent's work directory.
    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("tab\there")]
    public async Task Accept_with_an_id_that_is_not_one_safe_name_answers_TASK_ERROR_and_creates_nothing(string id)
    {
        await using var world = await StartAsync();
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
        var offer = await scheduler.NextOfferAsync(Quick);
        var byTaskId = CommandTask(offer, id, "true");
        var byExecutorId = ExecutorTask(offer, "task-with-bad-executor", id);

        await scheduler.LaunchAsync(offer, byTaskId, byExecutorId);

        var first = await scheduler.NextUpdateAsync(id, Quick);
        var second = await scheduler.NextUpdateAsync("task-with-bad-executor", Quick);
        Assert.All([first, second], status =>
        {
            Assert.Equal(TaskState.TaskError, status.State);
            Assert.Equal(TaskStatus.Types.Reason.TaskInvalid, status.Reason);
        });
        Assert.Contains("Task ID is invalid", first.Message);
        Assert.Contains("Executor ID is invalid", second.Message);
        Assert.Equal(0, await world.Agents[0].RunningProcessCountAsync());
        Assert.False(Directory.Exists(Path.Combine(world.WorkDirectory, "escape")));
        Assert.Empty(_logs.Errors);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public async Task Accept_with_a_scalar_that_is_not_an_amount_answers_TASK_ERROR_and_the_resources_come_back(double cpus)
    {
        await using var world = await StartAsync();
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
        var offer = await scheduler.NextOfferAsync(Quick);
        var task = CommandTask(offer, "bad-cpus", "true", cpus: cpus);

        await scheduler.LaunchAsync([offer], [task], refuseSeconds: 0);

        var status = await scheduler.NextUpdateAsync("bad-cpus", Quick);
        Assert.Equal(TaskState.TaskError, status.State);
        Assert.Contains("Task uses invalid resources", status.Message);
        var again = await scheduler.NextOfferAsync(Quick);
        Assert.Equal(4, again.Resources.Single(r => r.Name == "cpus").Scalar.Value);
        Assert.Equal(0, await world.Agents[0].RunningProcessCountAsync());
    }

    [Fact]
    public async Task Accept_with_a_range_that_ends_before_it_begins_answers_TASK_ERROR()
    {
        await using var world = await StartAsync();
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
        var offer = await scheduler.NextOfferAsync(Quick);
        var task = CommandTask(offer, "bad-ports", "true");
        task.Resources.Add(new Resource
        {
            Name = "ports",
            Type = Value.Types.Type.Ranges,
            Ranges = new Value.Types.Ranges { Range = { new Value.Types.Range { Begin = 31005, End = 31000 } } },
        });

        await scheduler.LaunchAsync(offer, task);

        var status = await scheduler.NextUpdateAsync("bad-ports", Quick);
        Assert.Equal(TaskState.TaskError, status.State);
        Assert.Contains("ends before it begins", status.Message);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public async Task Subscribe_with_a_failover_timeout_that_is_not_a_duration_is_refused_400(double failoverTimeout)
    {
        await using var world = await StartAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework(failoverTimeout: failoverTimeout)));

        Assert.Contains("SUBSCRIBE answered 400", error.Message);
        Assert.Contains("failover_timeout", error.Message);
    }

    [Fact]
    public async Task Subscribe_with_a_framework_id_that_is_not_one_safe_name_is_refused_400()
    {
        await using var world = await StartAsync();
        var info = TestScheduler.Framework();
        info.Id = new FrameworkID { Value = "../../outside" };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestScheduler.SubscribeAsync(world.MasterUrl, info));

        Assert.Contains("SUBSCRIBE answered 400", error.Message);
        Assert.Contains("Invalid 'framework_info.id'", error.Message);
    }

    [Fact]
    public async Task A_body_over_64_MiB_is_refused_413_and_the_master_keeps_serving()
    {
        await using var world = await StartAsync();
        using var http = new HttpClient();
        using var content = new ByteArrayContent(new byte[(64 << 20) + 1]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(TestScheduler.Protobuf);

        int? status;
        try
        {
            using var response = await http.PostAsync(new Uri(world.MasterUrl, "api/v1/scheduler"), content);
            status = (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            status = null; // the master may close before the client has sent it all
        }

        Assert.True(status is null or 413, $"answered {status}");
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
        Assert.Empty(_logs.Errors);
    }

    // Found in review of the fuzzed paths: a 115-day failover timeout overflowed the failover timer,
    // which threw on the master's actor; the framework was then never removed.
    [Fact]
    public async Task A_failover_timeout_beyond_any_timer_is_kept_and_the_framework_can_fail_over()
    {
        await using var world = await StartAsync();
        var info = TestScheduler.Framework(failoverTimeout: 1e7);
        string frameworkId;
        await using (var first = await TestScheduler.SubscribeAsync(world.MasterUrl, info))
        {
            frameworkId = first.FrameworkId;
        }

        await Eventually.TrueAsync(async () => (bool)(await MasterStateAsync(world))["frameworks"]![0]!["connected"]! == false,
            Quick, "the master saw the scheduler disconnect");
        info.Id = new FrameworkID { Value = frameworkId };
        await using var second = await TestScheduler.SubscribeAsync(world.MasterUrl, info);

        Assert.Equal(frameworkId, second.FrameworkId);
        Assert.Empty(_logs.Errors);
    }

    // Found in review of the fuzzed paths: a kill grace period of centuries threw on the agent's
    // actor after SIGTERM, so the SIGKILL escalation was never armed.
    [Fact]
    public async Task Kill_with_a_grace_period_beyond_any_timer_kills_the_task_without_an_error()
    {
        await using var world = await StartAsync();
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
        var offer = await scheduler.NextOfferAsync(Quick);
        await scheduler.LaunchAsync(offer, CommandTask(offer, "long-grace", "sleep 60"));
        await scheduler.WaitForStateAsync("long-grace", TaskState.TaskRunning, Slow);

        await scheduler.CallAcceptedAsync(new Sluice.Proto.Mesos.V1.Scheduler.Call
        {
            Type = Sluice.Proto.Mesos.V1.Scheduler.Call.Types.Type.Kill,
            Kill = new Sluice.Proto.Mesos.V1.Scheduler.Call.Types.Kill
            {
                TaskId = new TaskID { Value = "long-grace" },
                KillPolicy = new KillPolicy { GracePeriod = new DurationInfo { Nanoseconds = long.MaxValue } },
            },
        });

        await scheduler.WaitForStateAsync("long-grace", TaskState.TaskKilled, Slow);
        Assert.Empty(_logs.Errors);
    }
}
