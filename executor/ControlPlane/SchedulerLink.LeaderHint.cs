using Sluice.Proto.ControlPlane.V1;

namespace Sluice.Executor.ControlPlane;

/// <summary>
/// Leader hints (proto/sluice/v1/leader_hint.proto): the scheduler that leads now tells the executor through Mesos
/// where its control plane is, because an executor whose leader died would otherwise keep reconnecting to the dead
/// address. The link switches to the hinted address and reconnects at once, cutting short an attempt in flight or
/// the backoff wait before the next one.
/// </summary>
internal sealed partial class SchedulerLink
{
    private readonly Lock _hintGate = new();
    private CancellationTokenSource? _attempt;
    private TaskCompletionSource _wake = NewWake();
    private bool _abortedByHint;
    private ulong _hintTerm;

    /// <summary>The term of the last leader hint applied; 0 before the first.</summary>
    public ulong LeaderTerm
    {
        get
        {
            lock (_hintGate) return _hintTerm;
        }
    }

    /// <summary>
    /// Applies a leader hint unless its term is older than the last one applied. Safe from any thread; never blocks
    /// and never throws. <paramref name="hint"/> must have been checked (<see cref="LeaderHintReceiver.TryRead"/>).
    /// </summary>
    public LeaderHintOutcome FollowLeaderHint(LeaderHint hint)
    {
        lock (_hintGate)
        {
            if (hint.Term < _hintTerm)
            {
                return LeaderHintOutcome.Stale;
            }
            _hintTerm = hint.Term;
            if (string.Equals(Address, hint.ControlPlaneAddress, StringComparison.Ordinal))
            {
                if (_connected)
                {
                    return LeaderHintOutcome.AlreadyConnected;
                }
                _wake.TrySetResult();
                return LeaderHintOutcome.Reconnecting;
            }
            Volatile.Write(ref _address, hint.ControlPlaneAddress);
            // The wake also covers a session that ends by itself just as the hint cancels it: the backoff wait then
            // returns at once instead of delaying the switch.
            _wake.TrySetResult();
            if (_attempt is { } attempt)
            {
                _abortedByHint = true;
                // CancelAsync runs the callbacks (gRPC's, the session's awaits) on the thread pool, not under this lock.
                _ = attempt.CancelAsync();
            }
            return LeaderHintOutcome.Switched;
        }
    }

    /// <summary>Marks the start of a connection attempt, which a hint naming another address may cancel.</summary>
    /// <remarks>Call it before reading <see cref="Address"/> for the attempt, so no hint falls between the two.</remarks>
    private AttemptScope BeginAttempt(CancellationTokenSource session)
    {
        lock (_hintGate)
        {
            _attempt = session;
            _abortedByHint = false;
            // This attempt is the reconnect an earlier hint asked for.
            if (_wake.Task.IsCompleted)
            {
                _wake = NewWake();
            }
        }
        return new AttemptScope(this);
    }

    /// <summary>True (once) when the attempt that just ended was cancelled by a hint naming another address.</summary>
    private bool TakeAbortedByHint()
    {
        lock (_hintGate)
        {
            var aborted = _abortedByHint;
            _abortedByHint = false;
            return aborted;
        }
    }

    /// <summary>The backoff wait before reconnecting, cut short by a leader hint.</summary>
    private async Task WaitBeforeReconnectAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        Task wake;
        lock (_hintGate) wake = _wake.Task;
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(Task.Delay(delay, _time, waiting.Token), wake);
        await waiting.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Ends the attempt before its cancellation source is disposed, so a hint never cancels a disposed one.</summary>
    private readonly struct AttemptScope(SchedulerLink link) : IDisposable
    {
        public void Dispose()
        {
            lock (link._hintGate) link._attempt = null;
        }
    }
}
