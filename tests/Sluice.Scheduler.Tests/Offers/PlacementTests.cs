using Sluice.Scheduler.Offers;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Tests.Offers;

public sealed class PlacementTests
{
    private static readonly TaskResources Small = new(0.5, 256, 0);

    private static OfferView Offer(string host, string? rack = null, double cpus = 4, double mem = 8192) =>
        new(host, rack is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["rack"] = rack }, cpus, mem, 10_000);

    private static DeclineReason? Check(OfferView offer, params (string Field, ConstraintOperator Op, string? Value)[] constraints) =>
        Check(offer, [], constraints);

    private static DeclineReason? Check(OfferView offer, OfferView[] placed, params (string Field, ConstraintOperator Op, string? Value)[] constraints) =>
        Placement.Check(offer, Small, constraints.Select(c => new PlacementConstraint(c.Field, c.Op, c.Value)).ToList(), placed);

    [Theory]
    [InlineData(0.4, 8192, DeclineReason.NotEnoughCpus)]
    [InlineData(4, 255, DeclineReason.NotEnoughMemory)]
    public void Check_TooSmallOffer_SaysWhichResourceIsShort(double cpus, double mem, DeclineReason expected) =>
        Assert.Equal(expected, Placement.Check(Offer("h1", cpus: cpus, mem: mem), Small, [], []));

    [Fact]
    public void Check_ExactFit_Fits() =>
        Assert.Null(Placement.Check(Offer("h1", cpus: 0.5, mem: 256), Small, [], []));

    [Fact]
    public void Unique_hostname_refuses_a_host_that_already_runs_a_task()
    {
        Assert.Equal(DeclineReason.HostnameNotUnique, Check(Offer("h1"), [Offer("h1")], ("hostname", ConstraintOperator.Unique, null)));
        Assert.Null(Check(Offer("h2"), [Offer("h1")], ("hostname", ConstraintOperator.Unique, null)));
    }

    [Fact]
    public void Like_matches_the_whole_attribute_value()
    {
        Assert.Null(Check(Offer("h1", "rack-a1"), ("rack", ConstraintOperator.Like, "rack-a.*")));
        Assert.Equal(DeclineReason.AttributeNotLike, Check(Offer("h1", "xrack-a1"), ("rack", ConstraintOperator.Like, "rack-a.*")));
        Assert.Equal(DeclineReason.AttributeMissing, Check(Offer("h1"), ("rack", ConstraintOperator.Like, "rack-a.*")));
    }

    [Fact]
    public void Unlike_refuses_matching_values_and_accepts_missing_ones()
    {
        Assert.Equal(DeclineReason.AttributeLike, Check(Offer("h1", "rack-b"), ("rack", ConstraintOperator.Unlike, "rack-b")));
        Assert.Null(Check(Offer("h1"), ("rack", ConstraintOperator.Unlike, "rack-b")));
    }

    [Fact]
    public void Cluster_with_a_value_pins_to_it_and_without_one_follows_the_first_task()
    {
        Assert.Null(Check(Offer("h1", "a"), ("rack", ConstraintOperator.Cluster, "a")));
        Assert.Equal(DeclineReason.AttributeNotInCluster, Check(Offer("h1", "b"), ("rack", ConstraintOperator.Cluster, "a")));
        Assert.Null(Check(Offer("h2", "b"), ("rack", ConstraintOperator.Cluster, null)));
        Assert.Equal(DeclineReason.AttributeNotInCluster, Check(Offer("h2", "b"), [Offer("h1", "a")], ("rack", ConstraintOperator.Cluster, null)));
    }

    [Fact]
    public void Group_by_spreads_tasks_evenly_over_the_attribute_values()
    {
        OfferView[] placed = [Offer("h1", "a"), Offer("h2", "b"), Offer("h3", "a")];

        // a has 2, b has 1: the next task goes to b, not a.
        Assert.Equal(DeclineReason.GroupByUnbalanced, Check(Offer("h4", "a"), placed, ("rack", ConstraintOperator.GroupBy, null)));
        Assert.Null(Check(Offer("h4", "b"), placed, ("rack", ConstraintOperator.GroupBy, null)));
        // A group nobody uses yet is always welcome.
        Assert.Null(Check(Offer("h4", "c"), placed, ("rack", ConstraintOperator.GroupBy, null)));
    }

    [Fact]
    public void Group_by_with_an_expected_group_count_waits_for_the_missing_groups()
    {
        OfferView[] placed = [Offer("h1", "a")];

        Assert.Equal(DeclineReason.GroupByUnbalanced, Check(Offer("h2", "a"), placed, ("rack", ConstraintOperator.GroupBy, "3")));
        Assert.Null(Check(Offer("h2", "b"), placed, ("rack", ConstraintOperator.GroupBy, "3")));
    }

    [Fact]
    public void Max_per_limits_tasks_per_attribute_value()
    {
        OfferView[] placed = [Offer("h1", "a"), Offer("h2", "a")];

        Assert.Equal(DeclineReason.MaxPerReached, Check(Offer("h3", "a"), placed, ("rack", ConstraintOperator.MaxPer, "2")));
        Assert.Null(Check(Offer("h3", "b"), placed, ("rack", ConstraintOperator.MaxPer, "2")));
    }

    [Fact]
    public void OfferView_reads_scalars_and_text_attributes_from_a_mesos_offer()
    {
        var offer = new Sluice.Proto.Mesos.V1.Offer { Hostname = "agent-1" };
        offer.Resources.Add(new Sluice.Proto.Mesos.V1.Resource { Name = "cpus", Type = Sluice.Proto.Mesos.V1.Value.Types.Type.Scalar, Scalar = new() { Value = 1.5 } });
        offer.Resources.Add(new Sluice.Proto.Mesos.V1.Resource { Name = "cpus", Type = Sluice.Proto.Mesos.V1.Value.Types.Type.Scalar, Scalar = new() { Value = 0.5 } });
        offer.Resources.Add(new Sluice.Proto.Mesos.V1.Resource { Name = "mem", Type = Sluice.Proto.Mesos.V1.Value.Types.Type.Scalar, Scalar = new() { Value = 1024 } });
        offer.Attributes.Add(new Sluice.Proto.Mesos.V1.Attribute { Name = "rack", Type = Sluice.Proto.Mesos.V1.Value.Types.Type.Text, Text = new() { Value = "r1" } });

        var view = OfferView.From(offer);

        Assert.Equal(("agent-1", 2.0, 1024.0, 0.0), (view.Hostname, view.Cpus, view.MemoryMb, view.DiskMb));
        Assert.Equal("r1", view.Field("rack"));
        Assert.Equal("agent-1", view.Field("hostname"));
    }
}
