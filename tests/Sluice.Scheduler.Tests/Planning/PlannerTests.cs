using Sluice.Scheduler.Planning;

namespace Sluice.Scheduler.Tests.Planning;

public sealed class PlannerTests
{
    private static PartitionKey[] Partitions(string topic, int count) =>
        Enumerable.Range(0, count).Select(p => new PartitionKey(topic, p)).ToArray();

    private static PlannerTask[] Tasks(params string[] ids) => ids.Select(id => new PlannerTask(id)).ToArray();

    private static Dictionary<string, int> Counts(Plan plan) =>
        plan.Target.GroupBy(kv => kv.Value).ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public void Assign_FromNothing_SpreadsPartitionsEvenly()
    {
        var plan = Planner.Assign(Partitions("t", 24), Tasks("a", "b", "c", "d", "e"), new Dictionary<PartitionKey, string>());

        Assert.Equal(24, plan.Target.Count);
        Assert.Equal(24, plan.Moves.Count);
        Assert.All(plan.Moves, m => Assert.Null(m.From));
        var counts = Counts(plan);
        Assert.Equal(5, counts.Count);
        Assert.True(counts.Values.Max() - counts.Values.Min() <= 1);
        Assert.Empty(plan.Unassigned);
    }

    [Fact]
    public void Assign_ScaleOutFromTwoToFive_MovesOnlyWhatBalanceNeeds()
    {
        var partitions = Partitions("t", 24);
        var current = partitions.ToDictionary(p => p, p => p.Partition < 12 ? "a" : "b");

        var plan = Planner.Assign(partitions, Tasks("a", "b", "c", "d", "e"), current);

        // 24 over 5 = 5,5,5,5,4: a and b keep 5 each, so 14 partitions move, all to the new tasks.
        Assert.Equal(14, plan.Moves.Count);
        Assert.All(plan.Moves, m => Assert.Contains(m.To, new[] { "c", "d", "e" }));
        Assert.Equal(5, Counts(plan)["a"]);
        Assert.Equal(5, Counts(plan)["b"]);
    }

    [Fact]
    public void Assign_ScaleIn_MovesOnlyTheRemovedTasksPartitions()
    {
        var partitions = Partitions("t", 24);
        var tasks = new[] { "a", "b", "c" };
        var current = partitions.ToDictionary(p => p, p => tasks[p.Partition % 3]);

        var plan = Planner.Assign(partitions, Tasks("a", "b"), current);

        Assert.Equal(8, plan.Moves.Count);
        Assert.All(plan.Moves, m => Assert.Equal("c", m.From));
        Assert.Equal(12, Counts(plan)["a"]);
        Assert.Equal(12, Counts(plan)["b"]);
    }

    [Fact]
    public void Assign_NewPartitionsFromMetadata_AreAssignedWithoutMovingOthers()
    {
        var current = Partitions("t", 4).ToDictionary(p => p, p => p.Partition < 2 ? "a" : "b");
        var all = Partitions("t", 4).Concat(Partitions("u", 2)).ToArray();

        var plan = Planner.Assign(all, Tasks("a", "b"), current);

        Assert.Equal(2, plan.Moves.Count);
        Assert.All(plan.Moves, m => Assert.Equal("u", m.Partition.Topic));
        Assert.All(plan.Moves, m => Assert.Null(m.From));
    }

    [Fact]
    public void Assign_RespectsCapacity_AndReportsWhatDoesNotFit()
    {
        var tasks = new[] { new PlannerTask("a", Capacity: 2), new PlannerTask("b", Capacity: 3) };

        var plan = Planner.Assign(Partitions("t", 7), tasks, new Dictionary<PartitionKey, string>());

        Assert.Equal(2, Counts(plan)["a"]);
        Assert.Equal(3, Counts(plan)["b"]);
        Assert.Equal(2, plan.Unassigned.Count);
    }

    [Fact]
    public void Assign_CappedTask_LeavesTheRestBalancedAmongUncapped()
    {
        var tasks = new[] { new PlannerTask("a", Capacity: 1), new PlannerTask("b"), new PlannerTask("c") };

        var plan = Planner.Assign(Partitions("t", 10), tasks, new Dictionary<PartitionKey, string>());

        var counts = Counts(plan);
        Assert.Equal(1, counts["a"]);
        Assert.Equal(9, counts["b"] + counts["c"]);
        Assert.True(Math.Abs(counts["b"] - counts["c"]) <= 1);
    }

    [Fact]
    public void Assign_WithNoTasks_LeavesEveryPartitionUnassigned()
    {
        var plan = Planner.Assign(Partitions("t", 3), [], new Dictionary<PartitionKey, string>());

        Assert.Empty(plan.Target);
        Assert.Equal(3, plan.Unassigned.Count);
    }

    [Fact]
    public void Assign_NegativeCapacity_IsRejectedNamingTheTask()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Planner.Assign(Partitions("t", 1), [new PlannerTask("x", -1)], new Dictionary<PartitionKey, string>()));
        Assert.Contains("'x'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Assign_RandomInputs_HoldEveryPlannerProperty(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 200; round++)
        {
            var partitionCount = random.Next(0, 300);
            var topics = random.Next(1, 4);
            var partitions = Enumerable.Range(0, partitionCount).Select(i => new PartitionKey($"t{i % topics}", i / topics)).ToArray();
            var taskIds = Enumerable.Range(0, random.Next(1, 40)).Select(i => $"task-{i:D3}").ToArray();
            var tasks = taskIds.Select(id => new PlannerTask(id)).ToArray();
            // Current owners: live tasks, departed tasks, or nobody.
            var current = new Dictionary<PartitionKey, string>();
            foreach (var p in partitions)
            {
                var roll = random.Next(10);
                if (roll < 6)
                {
                    current[p] = taskIds[random.Next(taskIds.Length)];
                }
                else if (roll < 8)
                {
                    current[p] = $"gone-{random.Next(5)}";
                }
            }

            var plan = Planner.Assign(partitions, tasks, current);

            // Complete: every partition has exactly one live owner.
            Assert.Equal(partitionCount, plan.Target.Count);
            Assert.All(plan.Target.Values, owner => Assert.Contains(owner, taskIds));
            // Balanced.
            var counts = taskIds.Select(id => plan.Target.Values.Count(v => v == id)).ToArray();
            Assert.True(counts.Max() - counts.Min() <= 1, $"round {round}: counts {string.Join(",", counts)}");
            // Sticky: moves are exactly the partitions that must move (lower bound: keep the most possible).
            var quotaBase = partitionCount / taskIds.Length;
            var extra = partitionCount % taskIds.Length;
            var held = taskIds.Select(id => current.Count(kv => kv.Value == id)).OrderDescending().ToArray();
            var keepable = held.Select((h, i) => Math.Min(h, quotaBase + (i < extra ? 1 : 0))).Sum();
            Assert.Equal(partitionCount - keepable, plan.Moves.Count);
            Assert.All(plan.Moves, m => Assert.NotEqual(m.From, m.To));
            // Stable: planning again from the result moves nothing.
            Assert.Empty(Planner.Assign(partitions, tasks, plan.Target.ToDictionary()).Moves);
            // Deterministic: input order does not matter.
            var shuffled = Planner.Assign(partitions.OrderBy(_ => random.Next()), tasks.OrderBy(_ => random.Next()), current);
            Assert.Equal(plan.Target.OrderBy(kv => kv.Key), shuffled.Target.OrderBy(kv => kv.Key));
        }
    }
}
