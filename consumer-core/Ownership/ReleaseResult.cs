using Confluent.Kafka;

namespace Sluice.Consumer.Ownership;

public enum ReleaseOutcome
{
    /// <summary>Every message started before the release finished; <see cref="ReleaseResult.NextOffset"/> is committed.</summary>
    Released,

    /// <summary>
    /// Messages were still in flight when the timeout ran out; the contiguous completed prefix was
    /// committed and the messages after it may be processed again by the next owner.
    /// </summary>
    TimedOut,

    /// <summary>The partition is not owned here (never assigned or already released with another epoch).</summary>
    NotOwned,

    /// <summary>Ignored: the epoch is lower than the one held.</summary>
    StaleEpoch,
}

/// <summary>
/// The answer to <see cref="SluiceConsumer.ReleaseAsync"/>: the next offset to consume, committed
/// synchronously (the offset after the last contiguous completed message), or <see cref="Offset.Unset"/> when unknown.
/// </summary>
public readonly record struct ReleaseResult(ReleaseOutcome Outcome, TopicPartition TopicPartition, long Epoch, long NextOffset, bool Failed, TimeSpan Duration);
