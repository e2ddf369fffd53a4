using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Sluice.Consumer.Metrics;

namespace Sluice.Consumer.Failures;

/// <summary>
/// After a handler attempt failed: retries with backoff (a Polly.Core retry pipeline) while the
/// failed-attempt callback says <see cref="FailedDecision.Retry"/>, then lets the failure callback
/// decide. Runs only on the failure path; the first attempt of every message runs without it.
/// </summary>
internal sealed partial class FailurePolicy
{
    private static readonly ResiliencePropertyKey<RetryState> StateKey = new("sluice.retry-state");

    private readonly SluiceConsumerOptions _options;
    private readonly WorkerFailedAttemptCallback _onFailedAttempt;
    private readonly WorkerFailureCallback _onFailure;
    private readonly DeadLetterPublisher _deadLetters;
    private readonly TimeProvider _time;
    private readonly ConsumerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline? _retry;

    public FailurePolicy(
        SluiceConsumerOptions options,
        WorkerFailedAttemptCallback? onFailedAttempt,
        WorkerFailureCallback? onFailure,
        DeadLetterPublisher deadLetters,
        TimeProvider time,
        ConsumerMetrics metrics,
        ILogger logger)
    {
        _options = options;
        _onFailedAttempt = onFailedAttempt ?? (static _ => ValueTask.FromResult(FailedDecision.Retry));
        _onFailure = onFailure ?? (static _ => ValueTask.FromResult(FailedDecision.DoNotCommitOffsetAndStop));
        _deadLetters = deadLetters;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        if (options.MaxRetryAttempts > 0)
        {
            _retry = new ResiliencePipelineBuilder { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetryAttempts,
                    Delay = options.RetryDelay,
                    MaxDelay = options.MaxRetryDelay,
                    BackoffType = options.RetryBackoff,
                    UseJitter = options.RetryUseJitter,
                    ShouldHandle = ShouldRetryAsync,
                })
                .Build();
        }
    }

    /// <summary>
    /// Handles a failed first attempt of <paramref name="messages"/>: returns null when a retry
    /// succeeded, else the final decision (never <see cref="FailedDecision.Retry"/>; a dead letter has
    /// already been produced when it is <see cref="FailedDecision.DeadLetterAndContinue"/>).
    /// Throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async ValueTask<FailedDecision?> HandleAsync(
        Func<CancellationToken, ValueTask> attempt,
        ReadOnlyMemory<ConsumedMessage> messages,
        Exception firstError,
        CancellationToken cancellationToken)
    {
        var state = new RetryState(attempt, messages) { LastError = firstError };
        _metrics.FailedAttempts.Inc();
        LogAttemptFailed(messages.Span[0].ToString(), 1, firstError);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var decision = await RunRoundAsync(state, cancellationToken).ConfigureAwait(false);
            if (decision is null)
            {
                return null;
            }
            if (decision == FailedDecision.Retry)
            {
                decision = await AskAsync(_onFailure, state, retriesExhausted: true, cancellationToken).ConfigureAwait(false);
            }
            if (decision == FailedDecision.Retry)
            {
                LogRetryingAgain(messages.Span[0].ToString(), state.Attempts);
                continue;
            }

            var final = decision.Value;
            if (final == FailedDecision.DeadLetterAndContinue && !await TryDeadLetterAsync(state, cancellationToken).ConfigureAwait(false))
            {
                final = FailedDecision.DoNotCommitOffsetAndStop;
            }
            _metrics.CountFailure(final);
            LogGaveUp(messages.Span[0].ToString(), state.Attempts, final, state.LastError);
            return final;
        }
    }

    /// <summary>One round: the last failure is replayed as Polly's first attempt so every real retry waits its backoff.</summary>
    private async ValueTask<FailedDecision?> RunRoundAsync(RetryState state, CancellationToken cancellationToken)
    {
        if (_retry is null)
        {
            // No retries configured: the attempt callback decides once; a Retry from the failure callback waits one delay.
            var decision = await AskAsync(_onFailedAttempt, state, retriesExhausted: true, cancellationToken).ConfigureAwait(false);
            if (decision != FailedDecision.Retry || state.Rounds++ == 0)
            {
                return decision;
            }
            await Task.Delay(_options.RetryDelay, _time, cancellationToken).ConfigureAwait(false);
            try
            {
                state.Attempts++;
                await state.Attempt(cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                state.LastError = ex;
                _metrics.FailedAttempts.Inc();
                return await AskAsync(_onFailedAttempt, state, retriesExhausted: true, cancellationToken).ConfigureAwait(false);
            }
        }

        state.Replay = true;
        state.Rounds++;
        state.Decision = FailedDecision.Retry;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(StateKey, state);
            var outcome = await _retry.ExecuteOutcomeAsync(
                static async (ctx, st) =>
                {
                    if (st.Replay)
                    {
                        st.Replay = false;
                        return Outcome.FromException<bool>(st.LastError!);
                    }
                    try
                    {
                        st.Attempts++;
                        await st.Attempt(ctx.CancellationToken).ConfigureAwait(false);
                        return Outcome.FromResult(true);
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<bool>(ex);
                    }
                },
                context,
                state).ConfigureAwait(false);

            if (outcome.Exception is null)
            {
                return null;
            }
            cancellationToken.ThrowIfCancellationRequested();
            return state.Decision;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<object> args)
    {
        if (args.Outcome.Exception is not { } error || args.Context.CancellationToken.IsCancellationRequested)
        {
            return false;
        }
        var state = args.Context.Properties.GetValue(StateKey, null!);
        if (args.AttemptNumber == 0 && state.Rounds > 1)
        {
            return true; // the replayed failure of an earlier round: the failure callback already chose Retry
        }
        if (args.AttemptNumber > 0)
        {
            // A real retry failed (attempt 0 is the replayed failure, already counted and logged).
            state.LastError = error;
            _metrics.FailedAttempts.Inc();
            LogAttemptFailed(state.Messages.Span[0].ToString(), state.Attempts, error);
        }
        var exhausted = args.AttemptNumber >= _options.MaxRetryAttempts;
        state.Decision = await AskAsync(_onFailedAttempt, state, exhausted, args.Context.CancellationToken).ConfigureAwait(false);
        return state.Decision == FailedDecision.Retry;
    }

    private async ValueTask<FailedDecision> AskAsync(Delegate callback, RetryState state, bool retriesExhausted, CancellationToken cancellationToken)
    {
        var arguments = new WorkerFailureArguments(state.Messages, state.LastError!, state.Attempts, retriesExhausted, cancellationToken);
        try
        {
            var decision = callback switch
            {
                WorkerFailedAttemptCallback attempt => await attempt(arguments).ConfigureAwait(false),
                WorkerFailureCallback failure => await failure(arguments).ConfigureAwait(false),
                _ => FailedDecision.DoNotCommitOffsetAndStop,
            };
            return Enum.IsDefined(decision) ? decision : FailedDecision.DoNotCommitOffsetAndStop;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogCallbackThrew(state.Messages.Span[0].ToString(), ex);
            return FailedDecision.DoNotCommitOffsetAndStop;
        }
    }

    private async ValueTask<bool> TryDeadLetterAsync(RetryState state, CancellationToken cancellationToken)
    {
        for (var i = 0; i < state.Messages.Length; i++)
        {
            var message = state.Messages.Span[i];
            try
            {
                await _deadLetters.PublishAsync(message, state.LastError!, cancellationToken).ConfigureAwait(false);
                LogDeadLettered(message.ToString(), _deadLetters.TopicFor(message.Topic));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogDeadLetterFailed(message.ToString(), _deadLetters.TopicFor(message.Topic), ex);
                return false;
            }
        }
        return true;
    }

    private sealed class RetryState(Func<CancellationToken, ValueTask> attempt, ReadOnlyMemory<ConsumedMessage> messages)
    {
        public Func<CancellationToken, ValueTask> Attempt { get; } = attempt;

        public ReadOnlyMemory<ConsumedMessage> Messages { get; } = messages;

        public Exception? LastError { get; set; }

        public int Attempts { get; set; } = 1;

        public int Rounds { get; set; }

        public bool Replay { get; set; }

        public FailedDecision Decision { get; set; }
    }
}
