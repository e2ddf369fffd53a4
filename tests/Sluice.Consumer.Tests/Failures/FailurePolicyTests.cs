using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Sluice.Consumer.Failures;
using Sluice.Consumer.Metrics;

namespace Sluice.Consumer.Tests.Failures;

/// <summary>The retry and decision logic alone, on fake time (no Kafka: the dead-letter producer is never built).</summary>
public sealed class FailurePolicyTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<(int Attempt, bool Exhausted)> _attemptCalls = [];
    private readonly List<int> _failureCalls = [];

    [Fact]
    public async Task HandleAsync_AlwaysFailing_RetriesWithBackoffThenAsksTheFailureCallback()
    {
        // Arrange
        var sut = CreateSut(retries: 3, onFailure: FailedDecision.CommitOffsetAndContinue);
        var attempts = 0;

        // Act
        var task = sut.HandleAsync(_ => { attempts++; throw new InvalidOperationException("boom"); }, Message(), new InvalidOperationException("first"), CancellationToken.None).AsTask();
        var decision = await AdvanceUntilDone(task, TimeSpan.FromMilliseconds(100));

        // Assert
        Assert.Equal(FailedDecision.CommitOffsetAndContinue, decision);
        Assert.Equal(3, attempts); // the first attempt ran before the policy; 3 retries
        Assert.Equal([(1, false), (2, false), (3, false), (4, true)], _attemptCalls);
        Assert.Equal([4], _failureCalls);
    }

    [Fact]
    public async Task HandleAsync_RetrySucceeds_ReturnsNullWithoutFailureCallback()
    {
        var sut = CreateSut(retries: 3, onFailure: FailedDecision.DoNotCommitOffsetAndStop);
        var attempts = 0;

        var task = sut.HandleAsync(_ => ++attempts < 2 ? throw new InvalidOperationException() : ValueTask.CompletedTask, Message(), new InvalidOperationException(), CancellationToken.None).AsTask();
        var decision = await AdvanceUntilDone(task, TimeSpan.FromMilliseconds(100));

        Assert.Null(decision);
        Assert.Equal(2, attempts);
        Assert.Empty(_failureCalls);
    }

    [Fact]
    public async Task HandleAsync_BeforeTheBackoffElapses_DoesNotRetry()
    {
        var sut = CreateSut(retries: 1, onFailure: FailedDecision.CommitOffsetAndContinue);
        var attempts = 0;

        var task = sut.HandleAsync(_ => { attempts++; return ValueTask.CompletedTask; }, Message(), new InvalidOperationException(), CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(99));
        await Task.Delay(50);

        Assert.False(task.IsCompleted);
        Assert.Equal(0, attempts);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task HandleAsync_Cancelled_ThrowsWithoutDeciding()
    {
        var sut = CreateSut(retries: 5, onFailure: FailedDecision.CommitOffsetAndContinue);
        using var cancellation = new CancellationTokenSource();

        var task = sut.HandleAsync(_ => throw new InvalidOperationException(), Message(), new InvalidOperationException(), cancellation.Token).AsTask();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Empty(_failureCalls);
    }

    [Fact]
    public async Task HandleAsync_CallbackThrows_StopsThePartition()
    {
        var sut = CreateSut(retries: 0, onFailure: FailedDecision.CommitOffsetAndContinue, attemptThrows: true);

        var decision = await sut.HandleAsync(_ => ValueTask.CompletedTask, Message(), new InvalidOperationException(), CancellationToken.None);

        Assert.Equal(FailedDecision.DoNotCommitOffsetAndStop, decision);
    }

    private FailurePolicy CreateSut(int retries, FailedDecision onFailure, bool attemptThrows = false)
    {
        var options = new SluiceConsumerOptions
        {
            MaxRetryAttempts = retries,
            RetryDelay = TimeSpan.FromMilliseconds(100),
            RetryBackoff = DelayBackoffType.Constant,
            RetryUseJitter = false,
        };
        return new FailurePolicy(
            options,
            args =>
            {
                if (attemptThrows)
                {
                    throw new InvalidOperationException("callback bug");
                }
                _attemptCalls.Add((args.AttemptNumber, args.RetriesExhausted));
                return ValueTask.FromResult(FailedDecision.Retry);
            },
            args =>
            {
                _failureCalls.Add(args.AttemptNumber);
                return ValueTask.FromResult(onFailure);
            },
            new DeadLetterPublisher(new ProducerConfig { BootstrapServers = "127.0.0.1:9" }, ".dlq"),
            _time,
            new ConsumerMetrics(Prometheus.Metrics.NewCustomRegistry(), "test"),
            NullLogger.Instance);
    }

    private async Task<FailedDecision?> AdvanceUntilDone(Task<FailedDecision?> task, TimeSpan step)
    {
        for (var i = 0; i < 200 && !task.IsCompleted; i++)
        {
            await Task.Delay(5);
            _time.Advance(step);
        }
        return await task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private static ReadOnlyMemory<ConsumedMessage> Message() =>
        new([new ConsumedMessage(new ConsumeResult<byte[]?, byte[]?>
        {
            Topic = "t",
            Partition = 0,
            Offset = 7,
            Message = new Message<byte[]?, byte[]?> { Value = [1] },
        })]);
}
