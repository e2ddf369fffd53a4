using Microsoft.Extensions.Logging;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.Planning;

namespace Sluice.Scheduler.Handover;

/// <summary>
/// Moves partitions between tasks by the handover protocol (DESIGN.md §5): release on the old
/// owner → its committed next offset persisted with the new owner and the next epoch → assign on
/// the new owner at exactly that offset. A silent old owner is killed and waited out (terminal
/// status, or its lease) before the move, which then starts at its last committed offset
/// (at-least-once in that path only).
/// </summary>
public sealed partial class HandoverCoordinator(
    ExecutorRegistry registry,
    IOwnershipLedger ledger,
    IOwnerTerminator terminator,
    IStartOffsetResolver offsets,
    HandoverOptions options,
    TimeProvider time,
    ILogger<HandoverCoordinator> logger)
{
    /// <summary>Moves <paramref name="partition"/> to task <paramref name="to"/>, which must be connected (warm).</summary>
    /// <exception cref="InvalidOperationException">The new owner is not connected.</exception>
    /// <exception cref="OwnershipConflictException">Someone else moved the partition meanwhile.</exception>
    public async Task<HandoverOutcome> MoveAsync(PartitionKey partition, string to, CancellationToken cancellationToken)
    {
        var target = registry.Find(to)
            ?? throw new InvalidOperationException($"Task {to} is not connected to the control plane: a new owner must be warm before {partition} moves to it.");
        var started = time.GetTimestamp();
        var current = await ledger.GetAsync(partition, cancellationToken);
        var epoch = current?.Epoch ?? 0;
        var from = current?.Owner;
        if (from == to && current!.Phase == OwnershipPhase.Owned)
        {
            return new HandoverOutcome(partition, from, to, epoch, current.StartOffset, Clean: true, TimeSpan.Zero);
        }

        long start;
        var clean = true;
        if (from is null || current!.Phase == OwnershipPhase.Free)
        {
            start = current is { StartOffset: >= 0 } ? current.StartOffset : await offsets.ResolveAsync(partition, cancellationToken);
        }
        else
        {
            await ledger.MarkReleasingAsync(partition, epoch, cancellationToken);
            (start, clean) = await ReleaseAsync(partition, from, epoch, current, cancellationToken);
        }

        var entry = await ledger.TransferAsync(partition, epoch, to, start, cancellationToken);
        await target.AssignAsync(partition, entry.Epoch, start, options.AssignTimeout, cancellationToken);
        var duration = time.GetElapsedTime(started);
        LogMoved(partition.Topic, partition.Partition, from ?? "(nobody)", to, entry.Epoch, start, clean, duration.TotalMilliseconds);
        return new HandoverOutcome(partition, from, to, entry.Epoch, start, clean, duration);
    }

    /// <summary>Steps 2 and 4: the old owner's committed next offset, and whether the release was clean.</summary>
    private async Task<(long Start, bool Clean)> ReleaseAsync(PartitionKey partition, string from, long epoch, OwnershipEntry current, CancellationToken cancellationToken)
    {
        var source = registry.Find(from);
        if (source is not null)
        {
            try
            {
                var released = await source.ReleaseAsync(partition, epoch, options.ReleaseTimeout, cancellationToken);
                return (released.NextOffset, released.Clean);
            }
            catch (CommandRejectedException ex)
            {
                // The owner does not hold it (restarted, or already released): nothing runs there,
                // so start where it last committed.
                LogReleaseRejected(partition.Topic, partition.Partition, from, ex.Reason);
                return (await LastCommittedAsync(partition, source, current, cancellationToken), false);
            }
            catch (Exception ex) when (ex is ExecutorDisconnectedException or TimeoutException)
            {
                LogOwnerSilent(partition.Topic, partition.Partition, from, ex.Message);
            }
        }

        // The silent-owner path: kill it, and wait for its end or for its lease to run out, so it
        // has stopped (or fenced itself) before anyone else processes the partition.
        var killed = terminator.KillAsync(from, $"silent during the handover of {partition}", cancellationToken);
        var waitedOut = WaitOutSilenceAsync(from, cancellationToken);
        await Task.WhenAny(killed, waitedOut);
        return (await LastCommittedAsync(partition, registry.FindLastKnown(from), current, cancellationToken), false);
    }

    private async Task WaitOutSilenceAsync(string taskId, CancellationToken cancellationToken)
    {
        var since = time.GetTimestamp();
        while (true)
        {
            var session = registry.FindLastKnown(taskId);
            var silence = session?.Silence ?? time.GetElapsedTime(since);
            if (silence >= options.SilentOwnerGrace)
            {
                return;
            }
            await Task.Delay(options.SilentOwnerGrace - silence + TimeSpan.FromMilliseconds(10), time, cancellationToken);
        }
    }

    private async Task<long> LastCommittedAsync(PartitionKey partition, ExecutorSession? source, OwnershipEntry current, CancellationToken cancellationToken)
    {
        var reported = source?.LatestProgress?.Partitions
            .FirstOrDefault(p => p.Topic == partition.Topic && p.Partition == partition.Partition && p.CommittedOffset >= 0);
        if (reported is not null)
        {
            return Math.Max(reported.CommittedOffset, current.StartOffset);
        }
        // Nothing reported: Kafka's committed offset is the fallback after an unclean loss (DESIGN.md §4).
        var committed = await offsets.ResolveAsync(partition, cancellationToken);
        return Math.Max(committed, current.StartOffset);
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "[Handover] {Topic}[{Partition}] {From} → {To} epoch {Epoch} at offset {Offset} (clean {Clean}) in {DurationMs:0.0} ms")]
    private partial void LogMoved(string topic, int partition, string from, string to, long epoch, long offset, bool clean, double durationMs);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "[Handover] {Topic}[{Partition}]: {From} refused the release: {Reason}")]
    private partial void LogReleaseRejected(string topic, int partition, string from, string reason);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "[Handover] {Topic}[{Partition}]: owner {From} is silent ({Reason}); killing it and waiting out its lease")]
    private partial void LogOwnerSilent(string topic, int partition, string from, string reason);
}
