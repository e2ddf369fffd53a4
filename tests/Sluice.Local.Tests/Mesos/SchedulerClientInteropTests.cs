using Sluice.Mesos.Scheduler;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Scheduler;
using static Sluice.Local.Tests.Mesos.LocalMesosTesting;

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
}
