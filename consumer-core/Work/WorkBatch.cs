using System.Collections.Concurrent;
using Confluent.Kafka;
using Sluice.Consumer.Ownership;

namespace Sluice.Consumer.Work;

/// <summary>One fetched message on its way to a worker.</summary>
internal readonly struct WorkItem(ConsumeResult<byte[]?, byte[]?> result, OwnedPartition partition, long sequence, int bytes)
{
    public ConsumeResult<byte[]?, byte[]?> Result { get; } = result;

    public OwnedPartition Partition { get; } = partition;

    public long Sequence { get; } = sequence;

    public int Bytes { get; } = bytes;

    public long Offset => Result.Offset.Value;
}

/// <summary>
/// Messages for one worker lane, handed over as one channel write so the poll thread and the
/// workers meet once per batch, not once per message. Pooled.
/// </summary>
internal sealed class WorkBatch
{
    public const int Capacity = 256;

    private static readonly ConcurrentQueue<WorkBatch> Pool = new();

    public WorkItem[] Items { get; } = new WorkItem[Capacity];

    public int Count { get; set; }

    /// <summary>Items after which the poll thread hands the batch over (smaller for the shared unordered lane).</summary>
    public int Limit { get; set; } = Capacity;

    public bool IsFull => Count >= Limit;

    public static WorkBatch Rent(int limit)
    {
        var batch = Pool.TryDequeue(out var pooled) ? pooled : new WorkBatch();
        batch.Limit = limit;
        return batch;
    }

    public void Add(in WorkItem item) => Items[Count++] = item;

    public void Return()
    {
        Array.Clear(Items, 0, Count);
        Count = 0;
        if (Pool.Count < 4096)
        {
            Pool.Enqueue(this);
        }
    }
}
