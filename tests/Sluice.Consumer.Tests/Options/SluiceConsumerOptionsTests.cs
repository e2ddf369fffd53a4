using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Polly;
using Sluice.Consumer.Ownership;

namespace Sluice.Consumer.Tests.Options;

public sealed class SluiceConsumerOptionsTests
{
    [Fact]
    public void Ctor_Defaults_ArePinned()
    {
        var options = new SluiceConsumerOptions();

        Assert.Equal("sluice", options.Name);
        Assert.Equal(8, options.Workers);
        Assert.Equal(MessageOrdering.PerPartition, options.Ordering);
        Assert.Equal(100, options.BatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(10), options.BatchLinger);
        Assert.Equal(10_000, options.MaxBufferedMessagesPerPartition);
        Assert.Equal(16L * 1024 * 1024, options.MaxBufferedBytesPerPartition);
        Assert.Equal(256L * 1024 * 1024, options.MaxBufferedBytes);
        Assert.Equal(0.5, options.ResumeThreshold);
        Assert.Equal(TimeSpan.FromSeconds(1), options.CommitInterval);
        Assert.True(options.CommitOffsets);
        Assert.False(options.CommitAfterBatch);
        Assert.Equal(TimeSpan.FromMilliseconds(10), options.PollTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.StopTimeout);
        Assert.Equal(3, options.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.RetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxRetryDelay);
        Assert.Equal(DelayBackoffType.Exponential, options.RetryBackoff);
        Assert.True(options.RetryUseJitter);
        Assert.Equal(".dlq", options.DeadLetterTopicSuffix);
        Assert.Empty(options.StaticAssignment);
        Assert.True(new SluiceConsumerOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Clone_CommitOffsetsFalse_StaysFalse()
    {
        var options = new SluiceConsumerOptions { CommitOffsets = false };

        var clone = options.Clone();
        options.CommitOffsets = true;

        Assert.False(clone.CommitOffsets);
        Assert.True(new SluiceConsumerOptions().Clone().CommitOffsets);
    }

    [Fact]
    public void Clone_EveryPropertyOffItsDefault_CopiesEachOne()
    {
        // Arrange: every property away from its default (checked below, so a new property must be added here).
        var options = new SluiceConsumerOptions
        {
            Name = "other",
            Workers = 3,
            Ordering = MessageOrdering.Unordered,
            BatchSize = 7,
            BatchLinger = TimeSpan.FromMilliseconds(3),
            MaxBufferedMessagesPerPartition = 11,
            MaxBufferedBytesPerPartition = 1024,
            MaxBufferedBytes = 4096,
            ResumeThreshold = 0.25,
            CommitInterval = TimeSpan.FromMilliseconds(50),
            CommitOffsets = false,
            CommitAfterBatch = true,
            PollTimeout = TimeSpan.FromMilliseconds(5),
            StopTimeout = TimeSpan.FromSeconds(2),
            MaxRetryAttempts = 9,
            RetryDelay = TimeSpan.FromMilliseconds(7),
            MaxRetryDelay = TimeSpan.FromSeconds(1),
            RetryBackoff = DelayBackoffType.Linear,
            RetryUseJitter = false,
            DeadLetterTopicSuffix = ".dead",
            DeadLetterTopic = "all-dead",
            StaticAssignment = [new PinnedPartition("t", 2, 40)],
        };
        var defaults = new SluiceConsumerOptions();
        var properties = typeof(SluiceConsumerOptions).GetProperties().Where(p => p.CanWrite).ToList();
        Assert.All(properties, p => Assert.False(Equivalent(p.GetValue(defaults), p.GetValue(options)), $"{p.Name} is still at its default in this test"));

        // Act
        var clone = options.Clone();

        // Assert
        Assert.All(properties, p => Assert.True(Equivalent(p.GetValue(options), p.GetValue(clone)), $"{p.Name} was not copied"));
        Assert.NotSame(options.StaticAssignment, clone.StaticAssignment);
    }

    private static bool Equivalent(object? a, object? b) =>
        a is IEnumerable<PinnedPartition> left && b is IEnumerable<PinnedPartition> right ? left.SequenceEqual(right) : Equals(a, b);

    public static TheoryData<string, Action<SluiceConsumerOptions>> InvalidRows => new()
    {
        { nameof(SluiceConsumerOptions.Name), o => o.Name = " " },
        { nameof(SluiceConsumerOptions.Workers), o => o.Workers = 0 },
        { nameof(SluiceConsumerOptions.Workers), o => o.Workers = 5000 },
        { nameof(SluiceConsumerOptions.Ordering), o => o.Ordering = (MessageOrdering)42 },
        { nameof(SluiceConsumerOptions.BatchSize), o => o.BatchSize = 0 },
        { nameof(SluiceConsumerOptions.BatchLinger), o => o.BatchLinger = TimeSpan.FromMilliseconds(-1) },
        { nameof(SluiceConsumerOptions.MaxBufferedMessagesPerPartition), o => o.MaxBufferedMessagesPerPartition = 0 },
        { nameof(SluiceConsumerOptions.MaxBufferedBytes), o => o.MaxBufferedBytes = 0 },
        { nameof(SluiceConsumerOptions.MaxBufferedBytesPerPartition), o => o.MaxBufferedBytesPerPartition = o.MaxBufferedBytes + 1 },
        { nameof(SluiceConsumerOptions.ResumeThreshold), o => o.ResumeThreshold = 1 },
        { nameof(SluiceConsumerOptions.ResumeThreshold), o => o.ResumeThreshold = 0 },
        { nameof(SluiceConsumerOptions.CommitInterval), o => o.CommitInterval = TimeSpan.Zero },
        { nameof(SluiceConsumerOptions.PollTimeout), o => o.PollTimeout = TimeSpan.FromSeconds(5) },
        { nameof(SluiceConsumerOptions.StopTimeout), o => o.StopTimeout = TimeSpan.FromMinutes(11) },
        { nameof(SluiceConsumerOptions.MaxRetryAttempts), o => o.MaxRetryAttempts = -1 },
        { nameof(SluiceConsumerOptions.RetryDelay), o => o.RetryDelay = TimeSpan.FromMilliseconds(-5) },
        { nameof(SluiceConsumerOptions.MaxRetryDelay), o => o.MaxRetryDelay = TimeSpan.FromMilliseconds(1) },
        { nameof(SluiceConsumerOptions.RetryBackoff), o => o.RetryBackoff = (DelayBackoffType)9 },
        { nameof(SluiceConsumerOptions.DeadLetterTopicSuffix), o => o.DeadLetterTopicSuffix = "" },
        { nameof(SluiceConsumerOptions.DeadLetterTopic), o => o.DeadLetterTopic = " " },
        { nameof(SluiceConsumerOptions.StaticAssignment), o => o.StaticAssignment = [new PinnedPartition("t", -1)] },
        { nameof(SluiceConsumerOptions.StaticAssignment), o => o.StaticAssignment = [new PinnedPartition("t", 1), new PinnedPartition("t", 1, 5)] },
    };

    [Theory]
    [MemberData(nameof(InvalidRows))]
    public void Build_InvalidOption_ThrowsNamingTheField(string property, Action<SluiceConsumerOptions> makeInvalid)
    {
        var options = new SluiceConsumerOptions();
        makeInvalid(options);

        var error = Assert.Throws<OptionsValidationException>(() => CreateBuilder().SetOptions(options).Build());

        Assert.StartsWith($"{nameof(SluiceConsumerOptions)}.{property} ", error.Failures.First());
        Assert.Contains($"{nameof(SluiceConsumerOptions)}.{property} ", error.Message);
    }

    [Fact]
    public void SetHandler_CalledTwice_Throws()
    {
        var builder = CreateBuilder();
        Assert.Throws<InvalidOperationException>(() => builder.SetHandler((_, _) => ValueTask.CompletedTask));
        Assert.Throws<InvalidOperationException>(() => builder.SetBatchHandler((_, _) => ValueTask.CompletedTask));
    }

    [Fact]
    public void SetFailureCallback_CalledTwice_Throws()
    {
        var builder = CreateBuilder().SetFailureCallback(_ => ValueTask.FromResult(Sluice.Consumer.Failures.FailedDecision.Retry));
        Assert.Throws<InvalidOperationException>(() => builder.SetFailureCallback(_ => ValueTask.FromResult(Sluice.Consumer.Failures.FailedDecision.Retry)));
    }

    [Fact]
    public void Build_WithoutGroupId_ThrowsNamingIt()
    {
        var builder = new SluiceConsumerBuilder(new ConsumerConfig { BootstrapServers = "127.0.0.1:9" }).SetHandler((_, _) => ValueTask.CompletedTask);
        var error = Assert.Throws<ArgumentException>(() => builder.Build());
        Assert.Contains(nameof(ConsumerConfig.GroupId), error.Message);
    }

    [Fact]
    public void Build_WithoutHandler_Throws() =>
        Assert.Throws<InvalidOperationException>(() => new SluiceConsumerBuilder(new ConsumerConfig { BootstrapServers = "x:1", GroupId = "g" }).Build());

    private static SluiceConsumerBuilder CreateBuilder() =>
        new SluiceConsumerBuilder(new ConsumerConfig { BootstrapServers = "127.0.0.1:9", GroupId = "g" })
            .SetMetricsRegistry(Prometheus.Metrics.NewCustomRegistry())
            .SetHandler((_, _) => ValueTask.CompletedTask);
}
