namespace Sluice.Scheduler.Planning;

/// <summary>
/// A live task the planner may give partitions to.
/// </summary>
/// <param name="TaskId">The Mesos task id.</param>
/// <param name="Capacity">The most partitions the task may own; <see langword="null"/> for no limit.</param>
public readonly record struct PlannerTask(string TaskId, int? Capacity = null);
