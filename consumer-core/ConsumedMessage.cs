using Confluent.Kafka;

namespace Sluice.Consumer;

/// <summary>
/// A message as a handler sees it: a view over Confluent.Kafka's <see cref="ConsumeResult{TKey, TValue}"/>,
/// passed by value without allocating.
/// </summary>
public readonly struct ConsumedMessage
{
    internal ConsumedMessage(ConsumeResult<byte[]?, byte[]?> result) => Result = result;

    /// <summary>The underlying Confluent.Kafka result.</summary>
    public ConsumeResult<byte[]?, byte[]?> Result { get; }

    public string Topic => Result.Topic;

    public int Partition => Result.Partition.Value;

    public long Offset => Result.Offset.Value;

    public byte[]? Key => Result.Message.Key;

    public byte[]? Value => Result.Message.Value;

    public Headers? Headers => Result.Message.Headers;

    public Timestamp Timestamp => Result.Message.Timestamp;

    public TopicPartitionOffset TopicPartitionOffset => Result.TopicPartitionOffset;

    public override string ToString() => $"{Topic}[{Partition}]@{Offset}";
}
