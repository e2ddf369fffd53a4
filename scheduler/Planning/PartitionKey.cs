namespace Sluice.Scheduler.Planning;

/// <summary>A partition of a topic, ordered by topic then partition number.</summary>
public readonly record struct PartitionKey(string Topic, int Partition) : IComparable<PartitionKey>
{
    public int CompareTo(PartitionKey other)
    {
        // Partitions of one topic usually share the topic string instance: skip the character compare.
        var byTopic = ReferenceEquals(Topic, other.Topic) ? 0 : string.CompareOrdinal(Topic, other.Topic);
        return byTopic != 0 ? byTopic : Partition.CompareTo(other.Partition);
    }

    public override string ToString() => $"{Topic}[{Partition}]";
}
