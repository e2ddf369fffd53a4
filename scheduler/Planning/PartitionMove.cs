namespace Sluice.Scheduler.Planning;

/// <summary>One change of ownership: <paramref name="From"/> is null for a partition nobody owns yet.</summary>
public readonly record struct PartitionMove(PartitionKey Partition, string? From, string To);
