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
        var result = (await MoveManyAsync([new PartitionMove(partition, null, to)], cancellationToken))[0];
        if (result.Error is { } error)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
        return result.Outcome!;
    }

    /// <summary>
    /// Moves many partitions at once, each by the full protocol: one ledger write marks them all releasing; then each
    /// partition goes on by itself (release on its old owner → transfer → assign on its new owner), so a slow release
    /// holds up only its own partition. Transfers that become ready together share a ledger write
    /// (<see cref="TransferGroupCommit"/>). Each move succeeds or fails on its own; a failed one is left for the next
    /// attempt (a partition left releasing is released again).
    /// </summary>
    public async Task<IReadOnlyList<HandoverResult>> MoveManyAsync(IReadOnlyList<PartitionMove> moves, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var results = new HandoverResult?[moves.Count];
        var pending = new List<PendingMove>();
        for (var i = 0; i < moves.Count; i++)
        {
            var (partition, _, to) = moves[i];
            var target = registry.Find(to);
            if (target is null)
            {
                results[i] = new HandoverResult(moves[i], null, new InvalidOperationException(
                    $"Task {to} is not connected to the control plane: a new owner must be warm before {partition} moves to it."));
                continue;
            }
            var current = await ledger.GetAsync(partition, cancellationToken);
            if (current is { Phase: OwnershipPhase.Owned } && current.Owner == to)
            {
                results[i] = new HandoverResult(moves[i], new HandoverOutcome(partition, to, to, current.Epoch, current.StartOffset, Clean: true, TimeSpan.Zero), null);
                continue;
            }
            pending.Add(new PendingMove(i, partition, current?.Owner, to, target, current));
        }

        var marked = time.GetTimestamp();
        var releasing = pending.Where(p => p.From is not null && p.Current!.Phase != OwnershipPhase.Free).ToList();
        if (releasing.Count > 0)
        {
            try
            {
                await ledger.MarkReleasingAsync(releasing.Select(p => (p.Partition, p.Current!.Epoch)).ToList(), cancellationToken);
            }
            catch (OwnershipConflictException ex)
            {
                Fail(releasing, ex);
            }
        }
        var markMs = time.GetElapsedTime(marked).TotalMilliseconds;

        // Each partition goes on to its transfer and its assignment as soon as its own release is done: a slow
        // release elsewhere in the batch must not hold up the others' new owners. The transfers that arrive while
        // a ledger write is under way share the next one.
        var transfers = new TransferGroupCommit(ledger, cancellationToken);
        var slowest = await Task.WhenAll(pending.Where(p => results[p.Index] is null).Select(p => MoveOneAsync(p)));
        if (pending.Count > 0)
        {
            LogBatch(moves.Count, releasing.Count, markMs, transfers.Writes, slowest.Length == 0 ? 0 : slowest.Max(), time.GetElapsedTime(started).TotalMilliseconds);
        }
        return results.Select(r => r!).ToList();

        // Release (or resolve the start of a free partition) → transfer → assign; returns the move's duration in ms.
        async Task<double> MoveOneAsync(PendingMove p)
        {
            var begun = time.GetTimestamp();
            long start;
            bool clean;
            try
            {
                (start, clean) = p.From is null || p.Current!.Phase == OwnershipPhase.Free
                    ? (p.Current is { StartOffset: >= 0 } ? p.Current.StartOffset : await offsets.ResolveAsync(p.Partition, cancellationToken), true)
                    : await ReleaseAsync(p.Partition, p.From, p.Current.Epoch, p.Current, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                results[p.Index] = new HandoverResult(moves[p.Index], null, ex);
                return time.GetElapsedTime(begun).TotalMilliseconds;
            }
            var released = time.GetTimestamp();

            OwnershipEntry entry;
            try
            {
                entry = await transfers.TransferAsync(new OwnershipTransfer(p.Partition, p.Current?.Epoch ?? 0, p.To, start));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A conflict, or the state store failing: this move is left for the next round; the others go on.
                results[p.Index] = new HandoverResult(moves[p.Index], null, ex);
                return time.GetElapsedTime(begun).TotalMilliseconds;
            }
            var transferred = time.GetTimestamp();

            try
            {
                await p.Target.AssignAsync(p.Partition, entry.Epoch, start, options.AssignTimeout, cancellationToken);
                var duration = time.GetElapsedTime(begun);
                LogMoved(p.Partition.Topic, p.Partition.Partition, p.From ?? "(nobody)", p.To, entry.Epoch, start, clean, duration.TotalMilliseconds,
                    Ms(begun, released), Ms(released, transferred), time.GetElapsedTime(transferred).TotalMilliseconds);
                results[p.Index] = new HandoverResult(moves[p.Index], new HandoverOutcome(p.Partition, p.From, p.To, entry.Epoch, start, clean, duration), null);
                return duration.TotalMilliseconds;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                results[p.Index] = new HandoverResult(moves[p.Index], null, ex);
                return time.GetElapsedTime(begun).TotalMilliseconds;
            }
        }

        double Ms(long from, long to) => (to - from) * 1000.0 / time.TimestampFrequency;

        void Fail(IEnumerable<PendingMove> failed, Exception error)
        {
            foreach (var p in failed)
            {
                results[p.Index] = new HandoverResult(moves[p.Index], null, error);
            }
        }
    }

    private sealed record PendingMove(int Index, PartitionKey Partition, string? From, string To, ExecutorSession Target, OwnershipEntry? Current);

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
        // Kafka's committed offset of the group is the truth here (DESIGN.md §4): a fenced owner makes its last
        // commit after its last Progress, so what it reported can be older. The report and the ledger still
        // bound it from below, should Kafka have lost a commit.
        var committed = await offsets.ResolveAsync(partition, cancellationToken);
        var reported = source?.LatestProgress?.Partitions
            .FirstOrDefault(p => p.Topic == partition.Topic && p.Partition == partition.Partition)?.CommittedOffset ?? -1;
        return Math.Max(Math.Max(committed, reported), current.StartOffset);
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "[Handover] {Topic}[{Partition}] {From} → {To} epoch {Epoch} at offset {Offset} (clean {Clean}) in {DurationMs:0.0} ms: release {ReleaseMs:0.0} ms, transfer {TransferMs:0.0} ms, assign {AssignMs:0.0} ms")]
    private partial void LogMoved(string topic, int partition, string from, string to, long epoch, long offset, bool clean, double durationMs, double releaseMs, double transferMs, double assignMs);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "[Handover] batch of {Count} ({Releasing} from live owners): mark releasing {MarkMs:0.0} ms, {Writes} ledger writes for the transfers, slowest move {SlowestMs:0.0} ms, whole batch {TotalMs:0.0} ms")]
    private partial void LogBatch(int count, int releasing, double markMs, int writes, double slowestMs, double totalMs);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "[Handover] {Topic}[{Partition}]: {From} refused the release: {Reason}")]
    private partial void LogReleaseRejected(string topic, int partition, string from, string reason);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "[Handover] {Topic}[{Partition}]: owner {From} is silent ({Reason}); killing it and waiting out its lease")]
    private partial void LogOwnerSilent(string topic, int partition, string from, string reason);
}
