using System.Diagnostics;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Scheduler;
using static Sluice.Local.Tests.Mesos.LocalMesosTesting;
using TaskStatus = Sluice.Proto.Mesos.V1.TaskStatus;

namespace Sluice.Local.Tests.Mesos;

/// <summary>Offers, filters, suppress/revive and launch validation.</summary>
public sealed class OfferTests
{
    [Fact]
    public async Task Each_agent_is_offered_with_its_unused_resources_and_attributes()
    {
        await using var world = await StartWorldAsync(agents: 2, attributes: "rack:a;level:3");
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());

        var offers = new Dictionary<string, Offer>();
        foreach (var agent in world.Agents)
        {
            var offer = offers[agent.Id] = await scheduler.NextOfferAsync(Quick, agent.Id);
            Assert.Equal(scheduler.FrameworkId, offer.FrameworkId.Value);
            Assert.Equal(4, offer.Resources.Single(r => r.Name == "cpus").Scalar.Value);
            Assert.Equal(8192, offer.Resources.Single(r => r.Name == "mem").Scalar.Value);
            Assert.Equal(10240, offer.Resources.Single(r => r.Name == "disk").Scalar.Value);
            var ports = offer.Resources.Single(r => r.Name == "ports").Ranges.Range.Single();
            Assert.Equal((31000UL, 32000UL), (ports.Begin, ports.End));
            Assert.Equal("a", offer.Attributes.Single(a => a.Name == "rack").Text.Value);
            Assert.Equal(3, offer.Attributes.Single(a => a.Name == "level").Scalar.Value);
        }

        // What a task uses is not offered again; the rest is.
        var next = offers[world.Agents[0].Id];
        var task = CommandTask(next, "sleep-ports", "sleep 60", cpus: 1, mem: 1024);
        task.Resources.Add(new Resource
        {
            Name = "ports",
            Type = Value.Types.Type.Ranges,
            Ranges = new Value.Types.Ranges { Range = { new Value.Types.Range { Begin = 31000, End = 31009 } } },
        });
        await scheduler.LaunchAsync([next], [task], refuseSeconds: 0);
        await scheduler.WaitForStateAsync("sleep-ports", TaskState.TaskRunning, Slow);
        var rest = await scheduler.NextOfferAsync(Quick, world.Agents[0].Id);
        Assert.Equal(3, rest.Resources.Single(r => r.Name == "cpus").Scalar.Value);
        Assert.Equal(7168, rest.Resources.Single(r => r.Name == "mem").Scalar.Value);
        var restPorts = rest.Resources.Single(r => r.Name == "ports").Ranges.Range.Single();
        Assert.Equal((31010UL, 32000UL), (restPorts.Begin, restPorts.End));
    }

    [Fact]
    public async Task A_declined_agent_is_not_offered_again_within_refuse_seconds_and_is_after()
    {
        await using var world = await StartWorldAsync(agents: 2);
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
        var declinedAgent = world.Agents[0].Id;
        var offer = await scheduler.NextOfferAsync(Quick, declinedAgent);

        var clock = Stopwatch.StartNew();
        await scheduler.DeclineAsync([offer], refuseSeconds: 2);

        Assert.True(await scheduler.NoneWithinAsync(IsOfferOf(declinedAgent), TimeSpan.FromSeconds(1.5)),
            "no offer of the declined agent within its refuse_seconds");
        await scheduler.NextOfferAsync(Quick, declinedAgent);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"re-offered after {clock.Elapsed.TotalSeconds:0.00} s, not before refuse_seconds");
    }

    [Fact]
    public async Task Suppress_stops_offers_and_revive_brings_them_back_at_once()
    {
        await using var world = await StartWorldAsync();
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
        var offer = await scheduler.NextOfferAsync(Quick);

        await scheduler.CallAcceptedAsync(new Call { Type = Call.Types.Type.Suppress, Suppress = new Call.Types.Suppress() });
        await scheduler.DeclineAsync([offer], refuseSeconds: 0);
        Assert.True(await scheduler.NoneWithinAsync(e => e.Type == Event.Types.Type.Offers, TimeSpan.FromSeconds(1.5)),
            "no offers while suppressed");

        // A long filter as well: REVIVE clears filters too.
        await scheduler.CallAcceptedAsync(new Call { Type = Call.Types.Type.Revive, Revive = new Call.Types.Revive() });
        var revived = await scheduler.NextOfferAsync(Quick);
        await scheduler.DeclineAsync([revived], refuseSeconds: 3600);
        Assert.True(await scheduler.NoneWithinAsync(e => e.Type == Event.Types.Type.Offers, TimeSpan.FromSeconds(1)), "filtered for an hour");
        await scheduler.CallAcceptedAsync(new Call { Type = Call.Types.Type.Revive, Revive = new Call.Types.Revive() });
        await scheduler.NextOfferAsync(Quick);
    }

    [Fact]
    public async Task Tasks_that_do_not_fit_or_repeat_an_id_end_TASK_ERROR_and_a_used_offer_cannot_be_used_again()
    {
        await using var world = await StartWorldAsync();
        await using var scheduler = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework());
        var offer = await scheduler.NextOfferAsync(Quick);

        var tooBig = CommandTask(offer, "too-big", "sleep 60", cpus: 100);
        var fits = CommandTask(offer, "fits", "sleep 60");
        var duplicate = CommandTask(offer, "fits", "sleep 60");
        var noResources = CommandTask(offer, "no-resources", "sleep 60");
        noResources.Resources.Clear();
        await scheduler.LaunchAsync(offer, tooBig, fits, duplicate, noResources);

        var error = await scheduler.NextUpdateAsync("too-big", Quick);
        Assert.Equal(TaskState.TaskError, error.State);
        Assert.Equal(TaskStatus.Types.Reason.TaskInvalid, error.Reason);
        Assert.Equal(TaskStatus.Types.Source.Master, error.Source);
        Assert.False(error.HasUuid);
        Assert.Contains("more resources", error.Message, StringComparison.Ordinal);
        var duplicated = await scheduler.NextUpdateAsync("fits", Quick, s => s.State == TaskState.TaskError);
        Assert.Contains("duplicate ID", duplicated.Message, StringComparison.Ordinal);
        Assert.Equal(TaskState.TaskError, (await scheduler.NextUpdateAsync("no-resources", Quick)).State);
        await scheduler.WaitForStateAsync("fits", TaskState.TaskRunning, Slow);

        // The offer was used up by the ACCEPT: using it again is an invalid offer.
        await scheduler.LaunchAsync(offer, CommandTask(offer, "late", "sleep 60"));
        var lost = await scheduler.NextUpdateAsync("late", Quick);
        Assert.Equal(TaskState.TaskLost, lost.State);
        Assert.Equal(TaskStatus.Types.Reason.InvalidOffers, lost.Reason);
    }

    [Fact]
    public async Task Resources_are_offered_to_one_framework_at_a_time_and_declined_ones_go_to_the_other()
    {
        await using var world = await StartWorldAsync(agents: 2);
        await using var first = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework("first"));
        var offers = new[] { await first.NextOfferAsync(Quick, world.Agents[0].Id), await first.NextOfferAsync(Quick, world.Agents[1].Id) };
        await using var second = await TestScheduler.SubscribeAsync(world.MasterUrl, TestScheduler.Framework("second"));

        // Everything is on offer to the first framework: nothing for the second.
        Assert.True(await second.NoneWithinAsync(e => e.Type == Event.Types.Type.Offers, TimeSpan.FromSeconds(1)), "no double offers");

        await first.DeclineAsync(offers, refuseSeconds: 60);
        await second.NextOfferAsync(Quick, world.Agents[0].Id);
        await second.NextOfferAsync(Quick, world.Agents[1].Id);
        Assert.True(await first.NoneWithinAsync(e => e.Type == Event.Types.Type.Offers, TimeSpan.FromSeconds(1)), "the first framework's filter holds");
    }

    private static Func<Event, bool> IsOfferOf(string agentId) =>
        e => e.Type == Event.Types.Type.Offers && e.Offers.Offers_.Any(o => o.AgentId.Value == agentId);
}
