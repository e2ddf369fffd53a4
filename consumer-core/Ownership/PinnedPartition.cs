namespace Sluice.Consumer.Ownership;

/// <summary>A partition of the static assignment, and where to start (null: the group's committed offset).</summary>
public sealed record PinnedPartition(string Topic, int Partition, long? StartOffset = null);
