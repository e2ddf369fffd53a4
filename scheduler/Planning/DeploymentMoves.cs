namespace Sluice.Scheduler.Planning;

/// <summary>
/// What a deployment lets move: a partition changes version or stays put. Moving one between two live tasks of the
/// same version only to even out their load would pause it for nothing (blue is retired at the end anyway).
/// </summary>
internal static class DeploymentMoves
{
    /// <summary>
    /// The moves of one version's plan less those that only shift a partition from one of that version's live tasks to
    /// another. A partition nobody owns, or one leaving a task of the other version or a task no longer live, still moves.
    /// </summary>
    /// <param name="moves">The moves of the plan for the partitions the version should own.</param>
    /// <param name="liveTasks">The version's live tasks: the ones the plan was made for.</param>
    public static IEnumerable<PartitionMove> WithoutRebalancing(IEnumerable<PartitionMove> moves, IEnumerable<PlannerTask> liveTasks)
    {
        var live = liveTasks.Select(t => t.TaskId).ToHashSet(StringComparer.Ordinal);
        return moves.Where(m => m.From is null || !live.Contains(m.From));
    }
}
