namespace Sluice.Consumer.Failures;

/// <summary>What a failure callback is told: the message(s), the error and the attempt.</summary>
public readonly struct WorkerFailureArguments
{
    internal WorkerFailureArguments(ReadOnlyMemory<ConsumedMessage> messages, Exception exception, int attemptNumber, bool retriesExhausted, CancellationToken cancellationToken)
    {
        Messages = messages;
        Exception = exception;
        AttemptNumber = attemptNumber;
        RetriesExhausted = retriesExhausted;
        CancellationToken = cancellationToken;
    }

    /// <summary>The failed message (the first of a failed batch).</summary>
    public ConsumedMessage Message => Messages.Span[0];

    /// <summary>The failed message, or every message of a failed batch.</summary>
    public ReadOnlyMemory<ConsumedMessage> Messages { get; }

    /// <summary>What the handler threw.</summary>
    public Exception Exception { get; }

    /// <summary>1 for the first attempt.</summary>
    public int AttemptNumber { get; }

    /// <summary>True when the retry policy has no attempts left.</summary>
    public bool RetriesExhausted { get; }

    /// <summary>Cancelled when the consumer stops.</summary>
    public CancellationToken CancellationToken { get; }
}

/// <summary>Decides after each failed attempt. The default answers <see cref="FailedDecision.Retry"/>.</summary>
/// <remarks>
/// Runs on the worker that ran the handler, before the backoff delay. Answering anything but
/// <see cref="FailedDecision.Retry"/> ends the retries with that decision. If the callback throws,
/// the decision is <see cref="FailedDecision.DoNotCommitOffsetAndStop"/>.
/// </remarks>
public delegate ValueTask<FailedDecision> WorkerFailedAttemptCallback(WorkerFailureArguments arguments);

/// <summary>Decides once the retries have run out. The default answers <see cref="FailedDecision.DoNotCommitOffsetAndStop"/>.</summary>
/// <remarks>
/// Runs on the worker that ran the handler. <see cref="FailedDecision.Retry"/> starts another round
/// of retries. If the callback throws, the decision is <see cref="FailedDecision.DoNotCommitOffsetAndStop"/>.
/// </remarks>
public delegate ValueTask<FailedDecision> WorkerFailureCallback(WorkerFailureArguments arguments);
