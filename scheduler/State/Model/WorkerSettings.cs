namespace Sluice.Scheduler.State.Model;

/// <summary>How the executor's consumer core processes messages (DESIGN.md §6).</summary>
internal sealed record WorkerSettings(
    int Workers,
    OrderingMode Ordering,
    int BatchSize,
    TimeSpan BatchLinger,
    FailurePolicy FailurePolicy,
    string? DeadLetterTopic);

/// <summary>Which messages a worker may process concurrently.</summary>
internal enum OrderingMode
{
    PerPartition,
    PerKey,
    Unordered,
}

/// <summary>What the consumer core does with a message whose handler keeps failing (names from the JVM ancestor).</summary>
internal enum FailurePolicy
{
    CommitOffsetAndContinue,
    DoNotCommitOffsetAndStop,
    DeadLetterAndContinue,
    Retry,
}
