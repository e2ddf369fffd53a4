using Sluice.Scheduler.Planning;

namespace Sluice.Scheduler.Handover;

/// <summary>What one handover did.</summary>
/// <param name="Clean">The old owner released cleanly: exactly once across the move.</param>
/// <param name="Duration">From the release request to the new owner's confirmation.</param>
public sealed record HandoverOutcome(
    PartitionKey Partition, string? From, string To, long Epoch, long StartOffset, bool Clean, TimeSpan Duration);

/// <summary>One move of a batch: its outcome, or why it failed (it is left for the next attempt).</summary>
public sealed record HandoverResult(PartitionMove Move, HandoverOutcome? Outcome, Exception? Error);
