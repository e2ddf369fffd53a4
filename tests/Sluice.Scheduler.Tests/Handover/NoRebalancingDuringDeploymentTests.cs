using Sluice.Scheduler.Planning;

namespace Sluice.Scheduler.Tests.Handover;

/// <summary>
/// During a deployment a partition changes version or stays put (<see cref="DeploymentMoves"/>, applied by the consumer
/// loop to each version's plan): no handover only to even out the load of one version's live tasks.
/// </summary>
public sealed class NoRebalancingDuringDeploymentTests
{
    private static PartitionKey P(int partition) => new("orders", partition);

    private static PlannerTask[] Live(params string[] taskIds) => [.. taskIds.Select(id => new PlannerTask(id))];

    [Fact]
    public void During_a_deployment_a_partition_changes_version_or_stays_put()
    {
        // Green's share grows from four partitions to six; a second green task has just come up.
        var greenShare = Enumerable.Range(0, 6).Select(P).ToList();
        var current = new Dictionary<PartitionKey, string>
        {
            [P(0)] = "green-1", [P(1)] = "green-1", [P(2)] = "green-1", [P(3)] = "green-1", [P(4)] = "blue-1", [P(5)] = "blue-2",
        };
        var green = Live("green-1", "green-2");
        var plan = Planner.Assign(greenShare, green, current);
        Assert.Contains(new PartitionMove(P(3), "green-1", "green-2"), plan.Moves); // what the planner alone would do: 3 and 3

        var moves = DeploymentMoves.WithoutRebalancing(plan.Moves, green);

        Assert.Equal([new PartitionMove(P(4), "blue-1", "green-2"), new PartitionMove(P(5), "blue-2", "green-2")], moves);
    }

    [Fact]
    public void A_partition_nobody_owns_or_leaving_a_task_not_live_of_its_version_still_moves()
    {
        var kept = new PartitionMove[]
        {
            new(P(0), null, "blue-1"),            // nobody owns it yet (or it was left releasing)
            new(P(1), "green-1", "blue-1"),       // back from the other version (a rollback)
            new(P(2), "blue-draining", "blue-2"), // from a task of this version that is draining, lost or gone
        };
        var rebalancing = new PartitionMove(P(3), "blue-1", "blue-2");

        var moves = DeploymentMoves.WithoutRebalancing([.. kept, rebalancing], Live("blue-1", "blue-2"));

        Assert.Equal(kept, moves);
    }
}
