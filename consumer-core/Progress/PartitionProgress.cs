namespace Sluice.Consumer.Progress;

/// <summary>A snapshot of one owned partition, as the executor reports it to the scheduler.</summary>
/// <param name="CommittedOffset">The last offset committed to Kafka (next to consume), -1 if none yet; with <see cref="SluiceConsumerOptions.CommitOffsets"/> false, the one that would have been committed.</param>
/// <param name="ProcessedOffset">The last offset of the contiguous completed prefix, -1 if none.</param>
/// <param name="HighWatermark">The partition's high watermark as last fetched, -1 if unknown.</param>
/// <param name="Lag">High watermark minus the next offset to process, -1 if unknown.</param>
public sealed record PartitionProgress(
    string Topic,
    int Partition,
    long Epoch,
    PartitionState State,
    long CommittedOffset,
    long ProcessedOffset,
    long HighWatermark,
    long Lag,
    long InFlight,
    long BufferedMessages,
    long BufferedBytes,
    long Failures);
