using System.Collections.Concurrent;
using System.Threading.Channels;
using Sluice.Mesos.Scheduler;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Scheduler;
using Sluice.Testing.Logging;
using static Sluice.Local.Tests.Mesos.LocalMesosTesting;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Local.Tests.Mesos;

/// <summary>The protocol layer's own scheduler client (what Sluice's scheduler uses) against the local master.</summary>
public sealed class SchedulerClientInteropTests
{
    [Fact]
    public async Task The_Sluice_scheduler_client_subscribes_launches_and_acknowledges_through_the_local_master()
    {
        await using var world = await StartWorldAsync();
        await using var client = new MesosSchedulerClientBuilder(TestScheduler.Framework("client-interop"))
            .UseMasters(world.MasterUrl)
            .Build();
        using var timeout = new CancellationTokenSource(Slow);

        var states = new List<TaskState>();
        var launched = false;
        await foreach (var ev in client.SubscribeAsync(timeout.Token))
        {
            if (ev.Type == Event.Types.Type.Offers)
            {
                foreach (var offer in ev.Offers.Offers_)
                {
                    if (!launched)
                    {
                        launched = true;
                        await client.CallAsync(SchedulerCalls.Accept([offer.Id], [SchedulerCalls.Launch(CommandTask(offer, "interop-1", "/bin/echo interop"))]), timeout.Token);
                    }
                    else
                    {
                        await client.CallAsync(SchedulerCalls.Decline([offer.Id], TimeSpan.FromSeconds(30)), timeout.Token);
                    }
                }
            }
            else if (ev.Type == Event.Types.Type.Update && ev.Update.Status.TaskId.Value == "interop-1")
            {
                states.Add(ev.Update.Status.State);
                if (SchedulerCalls.Acknowledge(ev.Update.Status) is { } ack)
                {
                    await client.CallAsync(ack, timeout.Token);
                }
                if (ev.Update.Status.State == TaskState.TaskFinished)
                {
                    break;
                }
            }
        }

        Assert.Equal([TaskState.TaskStarting, TaskState.TaskRunning, TaskState.TaskFinished], states);
        Assert.StartsWith(world.Master.Id, client.FrameworkId!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Sluice_scheduler_client_resubscribes_with_backoff_after_a_master_restart_and_keeps_its_framework_and_task()
    {
        await using var world = await StartWorldAsync(configure: o => o.RegistrationBackoffFactor = TimeSpan.FromMilliseconds(200));
        var loggers = new ListLoggerFactory();
        var states = new ConcurrentQueue<SchedulerConnectionState>();
        await using var client = new MesosSchedulerClientBuilder(TestScheduler.Framework("client-restart", failoverTimeout: 60))
            .UseMasters(world.MasterUrl)
            .WithBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1))
            .UseLoggerFactory(loggers)
            .OnConnectionStateChanged(states.Enqueue)
            .Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var events = Channel.CreateUnbounded<Event>();
        var reading = Task.Run(async () =>
        {
            await foreach (var ev in client.SubscribeAsync(timeout.Token))
            {
                if (ev.Type == Event.Types.Type.Update && SchedulerCalls.Acknowledge(ev.Update.Status) is { } ack)
                {
                    try
                    {
                        await client.CallAsync(ack, timeout.Token);
                    }
                    catch (Sluice.Mesos.Http.MesosCallException)
                    {
                        // The master went down under the call: the agent sends the update again.
                    }
                }
                await events.Writer.WriteAsync(ev, timeout.Token);
            }
        });

        var subscribed = (await NextAsync(events, e => e.Type == Event.Types.Type.Subscribed, "SUBSCRIBED")).Subscribed;
        var offer = (await NextAsync(events, e => e.Type == Event.Types.Type.Offers, "an offer")).Offers.Offers_[0];
        await client.CallAsync(SchedulerCalls.Accept([offer.Id], [SchedulerCalls.Launch(CommandTask(offer, "client-task", "sleep 120"))]), timeout.Token);
        await NextAsync(events, e => e.Type == Event.Types.Type.Update && e.Update.Status.State == TaskState.TaskRunning, "TASK_RUNNING");

        // Long enough a downtime for the client's SUBSCRIBE to fail more than once.
        await world.RestartMasterAsync(TimeSpan.FromSeconds(2));

        var resubscribed = (await NextAsync(events, e => e.Type == Event.Types.Type.Subscribed, "SUBSCRIBED from the restarted master")).Subscribed;
        Assert.Equal(subscribed.FrameworkId, resubscribed.FrameworkId);
        Assert.NotEqual(subscribed.MasterInfo.Id, resubscribed.MasterInfo.Id);
        Assert.Contains(states, s => s is SchedulerConnectionState.Disconnected { WillResubscribe: true });
        Assert.Equal(resubscribed.FrameworkId, Assert.IsType<SchedulerConnectionState.Subscribed>(client.State).FrameworkId);
        Assert.True(loggers.Entries.Count(e => e.Message.Contains("cannot reach the master", StringComparison.Ordinal)) >= 2,
            "SUBSCRIBE was retried while the master was down");

        // Reconcile until the agent is back with the task (the master is silent about it until then).
        Event? reconciled = null;
        while (reconciled is null)
        {
            await client.CallAsync(SchedulerCalls.Reconcile([(new TaskID { Value = "client-task" }, offer.AgentId)]), timeout.Token);
            reconciled = await NextOrNullAsync(events, e => e.Type == Event.Types.Type.Update && e.Update.Status.Reason == TaskStatus.Types.Reason.Reconciliation,
                TimeSpan.FromMilliseconds(500));
        }
        Assert.Equal(TaskState.TaskRunning, reconciled.Update.Status.State);

        await timeout.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
    }

    private static async Task<Event> NextAsync(Channel<Event> events, Func<Event, bool> match, string because) =>
        await NextOrNullAsync(events, match, Slow) ?? throw new TimeoutException($"No {because} within {Slow.TotalSeconds} s");

    private static async Task<Event?> NextOrNullAsync(Channel<Event> events, Func<Event, bool> match, TimeSpan within)
    {
        using var wait = new CancellationTokenSource(within);
        try
        {
            while (true)
            {
                var ev = await events.Reader.ReadAsync(wait.Token);
                if (match(ev))
                {
                    return ev;
                }
            }
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested)
        {
            return null;
        }
    }
}
