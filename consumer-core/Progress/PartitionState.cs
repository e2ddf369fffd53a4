namespace Sluice.Consumer.Progress;

/// <summary>Where an owned partition stands.</summary>
public enum PartitionState
{
    /// <summary>Fetched and processed.</summary>
    Owned,

    /// <summary>A release is draining its in-flight messages.</summary>
    Releasing,

    /// <summary>Fetching is paused because its buffer is full.</summary>
    Paused,

    /// <summary>A message failed with <see cref="Failures.FailedDecision.DoNotCommitOffsetAndStop"/>: paused until released.</summary>
    Failed,

    /// <summary>
    /// Self-fenced (the scheduler's lease ran out): not fetched, not processed, not committed, until assigned
    /// again (it resumes at the assignment's offset) or released.
    /// </summary>
    Fenced,
}
