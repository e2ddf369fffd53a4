namespace Sluice.Consumer.Failures;

/// <summary>What to do with a message whose processing failed (the ancestor's <c>FailedDecision</c>).</summary>
public enum FailedDecision
{
    /// <summary>Try again after the retry policy's backoff.</summary>
    Retry,

    /// <summary>Give up on the message, count it as done and commit past it.</summary>
    CommitOffsetAndContinue,

    /// <summary>
    /// Stop the partition: it pauses, reports <see cref="Progress.PartitionState.Failed"/>, and its
    /// committed offset never passes the message. Releasing it returns the failed message's offset.
    /// </summary>
    DoNotCommitOffsetAndStop,

    /// <summary>Produce the message to <c>&lt;topic&gt;.dlq</c> with the sluice-original-* headers, then commit past it.</summary>
    DeadLetterAndContinue,
}
