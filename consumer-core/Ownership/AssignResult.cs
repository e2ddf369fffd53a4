using Confluent.Kafka;

namespace Sluice.Consumer.Ownership;

public enum AssignOutcome
{
    /// <summary>The partition is now fetched from the start offset.</summary>
    Assigned,

    /// <summary>The partition was already owned; its epoch was raised, nothing else changed.</summary>
    AlreadyOwned,

    /// <summary>Ignored: the epoch is lower than the one held.</summary>
    StaleEpoch,
}

/// <summary>The answer to <see cref="SluiceConsumer.AssignAsync"/>.</summary>
public readonly record struct AssignResult(AssignOutcome Outcome, TopicPartition TopicPartition, long Epoch, long HeldEpoch);
