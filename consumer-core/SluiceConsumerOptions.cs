using Microsoft.Extensions.Options;
using Polly;
using Sluice.Consumer.Ownership;

namespace Sluice.Consumer;

/// <summary>
/// How a <see cref="SluiceConsumer"/> fetches, buffers, processes and commits. Kafka client settings
/// (bootstrap servers, group id, fetch sizes) stay in the Confluent.Kafka <c>ConsumerConfig</c>
/// given to the <see cref="SluiceConsumerBuilder"/>.
/// </summary>
public sealed class SluiceConsumerOptions
{
    public const string SectionName = "Sluice:Consumer";

    public const string DEFAULT_NAME = "sluice";
    public const int DEFAULT_WORKERS = 8;
    public const int DEFAULT_BATCH_SIZE = 100;
    public const int DEFAULT_MAX_BUFFERED_MESSAGES_PER_PARTITION = 10_000;
    public const long DEFAULT_MAX_BUFFERED_BYTES_PER_PARTITION = 16L * 1024 * 1024;
    public const long DEFAULT_MAX_BUFFERED_BYTES = 256L * 1024 * 1024;
    public const double DEFAULT_RESUME_THRESHOLD = 0.5;
    public const int DEFAULT_MAX_RETRY_ATTEMPTS = 3;
    public const string DEFAULT_DEAD_LETTER_SUFFIX = ".dlq";
    public static readonly TimeSpan DEFAULT_BATCH_LINGER = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan DEFAULT_COMMIT_INTERVAL = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DEFAULT_POLL_TIMEOUT = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan DEFAULT_STOP_TIMEOUT = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DEFAULT_RETRY_DELAY = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan DEFAULT_MAX_RETRY_DELAY = TimeSpan.FromSeconds(30);

    /// <summary>Names the consumer in logs and metric labels.</summary>
    /// <value>Default <c>sluice</c>.</value>
    public string Name { get; set; } = DEFAULT_NAME;

    /// <summary>Number of workers (handler invocations in parallel).</summary>
    /// <value>Default 8. Allowed range: 1–4096.</value>
    public int Workers { get; set; } = DEFAULT_WORKERS;

    /// <summary>Which messages are processed one at a time, in offset order.</summary>
    /// <value>Default <see cref="MessageOrdering.PerPartition"/>.</value>
    public MessageOrdering Ordering { get; set; } = MessageOrdering.PerPartition;

    /// <summary>Most messages a batch handler receives at once.</summary>
    /// <value>Default 100. Allowed range: 1–100,000.</value>
    public int BatchSize { get; set; } = DEFAULT_BATCH_SIZE;

    /// <summary>How long a batch handler's worker waits for a batch to fill.</summary>
    /// <value>Default 10 ms. Allowed range: 0–1 min.</value>
    public TimeSpan BatchLinger { get; set; } = DEFAULT_BATCH_LINGER;

    /// <summary>A partition pauses when this many of its messages are buffered or in flight.</summary>
    /// <value>Default 10,000. Allowed range: 1–10,000,000.</value>
    public int MaxBufferedMessagesPerPartition { get; set; } = DEFAULT_MAX_BUFFERED_MESSAGES_PER_PARTITION;

    /// <summary>A partition pauses when this many bytes (keys and values) of its messages are buffered or in flight.</summary>
    /// <value>Default 16 MiB. Allowed range: 1 B–<see cref="MaxBufferedBytes"/>.</value>
    public long MaxBufferedBytesPerPartition { get; set; } = DEFAULT_MAX_BUFFERED_BYTES_PER_PARTITION;

    /// <summary>Every partition pauses when this many bytes are buffered or in flight in total.</summary>
    /// <value>Default 256 MiB. Allowed range: at least 1 B.</value>
    public long MaxBufferedBytes { get; set; } = DEFAULT_MAX_BUFFERED_BYTES;

    /// <summary>A paused partition resumes once its buffer (and the total) falls under this fraction of the limits.</summary>
    /// <value>Default 0.5. Allowed range: 0–1, exclusive.</value>
    public double ResumeThreshold { get; set; } = DEFAULT_RESUME_THRESHOLD;

    /// <summary>How often completed offsets are committed.</summary>
    /// <value>Default 1 s. Allowed range: 10 ms–1 h.</value>
    public TimeSpan CommitInterval { get; set; } = DEFAULT_COMMIT_INTERVAL;

    /// <summary>
    /// Whether offsets are committed to Kafka. False for a rehearsal or a read-only replay: nothing is committed, and a
    /// release answers the offset it would have committed.
    /// </summary>
    /// <value>Default true.</value>
    public bool CommitOffsets { get; set; } = true;

    /// <summary>Also commit after every handler batch (batch handlers only).</summary>
    /// <value>Default false.</value>
    public bool CommitAfterBatch { get; set; }

    /// <summary>Longest the poll thread waits in Kafka for a message before it serves commands again.</summary>
    /// <value>Default 10 ms. Allowed range: 1 ms–1 s.</value>
    public TimeSpan PollTimeout { get; set; } = DEFAULT_POLL_TIMEOUT;

    /// <summary>How long stopping waits for messages in flight before it commits and closes.</summary>
    /// <value>Default 30 s. Allowed range: 0–10 min.</value>
    public TimeSpan StopTimeout { get; set; } = DEFAULT_STOP_TIMEOUT;

    /// <summary>Retries of a failed message after the first attempt (0: none, the failure callback decides at once).</summary>
    /// <value>Default 3. Allowed range: 0–1,000,000.</value>
    public int MaxRetryAttempts { get; set; } = DEFAULT_MAX_RETRY_ATTEMPTS;

    /// <summary>Base delay between attempts.</summary>
    /// <value>Default 200 ms. Allowed range: 0–1 h.</value>
    public TimeSpan RetryDelay { get; set; } = DEFAULT_RETRY_DELAY;

    /// <summary>Cap of the backoff delay.</summary>
    /// <value>Default 30 s. Allowed range: at least <see cref="RetryDelay"/>.</value>
    public TimeSpan MaxRetryDelay { get; set; } = DEFAULT_MAX_RETRY_DELAY;

    /// <summary>How the delay grows between attempts.</summary>
    /// <value>Default <see cref="DelayBackoffType.Exponential"/>.</value>
    public DelayBackoffType RetryBackoff { get; set; } = DelayBackoffType.Exponential;

    /// <summary>Randomize delays to spread retries.</summary>
    /// <value>Default true.</value>
    public bool RetryUseJitter { get; set; } = true;

    /// <summary>Dead-letter topic name: the message's topic plus this suffix.</summary>
    /// <value>Default <c>.dlq</c>.</value>
    public string DeadLetterTopicSuffix { get; set; } = DEFAULT_DEAD_LETTER_SUFFIX;

    /// <summary>One dead-letter topic for every consumed topic; when set, <see cref="DeadLetterTopicSuffix"/> is not used.</summary>
    /// <value>Default null.</value>
    public string? DeadLetterTopic { get; set; }

    /// <summary>
    /// Static pinning: partitions assigned at start (epoch 0), for use without a scheduler.
    /// Empty (the default) means the scheduler assigns partitions.
    /// </summary>
    public IList<PinnedPartition> StaticAssignment { get; set; } = [];

    internal SluiceConsumerOptions Clone() => new()
    {
        Name = Name,
        Workers = Workers,
        Ordering = Ordering,
        BatchSize = BatchSize,
        BatchLinger = BatchLinger,
        MaxBufferedMessagesPerPartition = MaxBufferedMessagesPerPartition,
        MaxBufferedBytesPerPartition = MaxBufferedBytesPerPartition,
        MaxBufferedBytes = MaxBufferedBytes,
        ResumeThreshold = ResumeThreshold,
        CommitInterval = CommitInterval,
        CommitOffsets = CommitOffsets,
        CommitAfterBatch = CommitAfterBatch,
        PollTimeout = PollTimeout,
        StopTimeout = StopTimeout,
        MaxRetryAttempts = MaxRetryAttempts,
        RetryDelay = RetryDelay,
        MaxRetryDelay = MaxRetryDelay,
        RetryBackoff = RetryBackoff,
        RetryUseJitter = RetryUseJitter,
        DeadLetterTopicSuffix = DeadLetterTopicSuffix,
        DeadLetterTopic = DeadLetterTopic,
        StaticAssignment = [.. StaticAssignment],
    };
}

/// <summary>Checks <see cref="SluiceConsumerOptions"/>; each failure names the property.</summary>
public sealed class SluiceConsumerOptionsValidator : IValidateOptions<SluiceConsumerOptions>
{
    public ValidateOptionsResult Validate(string? name, SluiceConsumerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Check(bool ok, string property, object? value, string rule)
        {
            if (!ok)
            {
                failures.Add($"{nameof(SluiceConsumerOptions)}.{property} {rule} (was {value ?? "null"}).");
            }
        }

        Check(!string.IsNullOrWhiteSpace(options.Name), nameof(options.Name), options.Name, "must not be empty");
        Check(options.Workers is >= 1 and <= 4096, nameof(options.Workers), options.Workers, "must be between 1 and 4096");
        Check(Enum.IsDefined(options.Ordering), nameof(options.Ordering), options.Ordering, "must be PerPartition, PerKey or Unordered");
        Check(options.BatchSize is >= 1 and <= 100_000, nameof(options.BatchSize), options.BatchSize, "must be between 1 and 100000");
        Check(options.BatchLinger >= TimeSpan.Zero && options.BatchLinger <= TimeSpan.FromMinutes(1), nameof(options.BatchLinger), options.BatchLinger, "must be between 0 and 1 minute");
        Check(options.MaxBufferedMessagesPerPartition is >= 1 and <= 10_000_000, nameof(options.MaxBufferedMessagesPerPartition), options.MaxBufferedMessagesPerPartition, "must be between 1 and 10000000");
        Check(options.MaxBufferedBytes >= 1, nameof(options.MaxBufferedBytes), options.MaxBufferedBytes, "must be at least 1");
        Check(options.MaxBufferedBytesPerPartition >= 1 && options.MaxBufferedBytesPerPartition <= options.MaxBufferedBytes,
            nameof(options.MaxBufferedBytesPerPartition), options.MaxBufferedBytesPerPartition, $"must be between 1 and {nameof(options.MaxBufferedBytes)}");
        Check(options.ResumeThreshold is > 0 and < 1, nameof(options.ResumeThreshold), options.ResumeThreshold, "must be between 0 and 1, exclusive");
        Check(options.CommitInterval >= TimeSpan.FromMilliseconds(10) && options.CommitInterval <= TimeSpan.FromHours(1), nameof(options.CommitInterval), options.CommitInterval, "must be between 10 ms and 1 hour");
        Check(options.PollTimeout >= TimeSpan.FromMilliseconds(1) && options.PollTimeout <= TimeSpan.FromSeconds(1), nameof(options.PollTimeout), options.PollTimeout, "must be between 1 ms and 1 second");
        Check(options.StopTimeout >= TimeSpan.Zero && options.StopTimeout <= TimeSpan.FromMinutes(10), nameof(options.StopTimeout), options.StopTimeout, "must be between 0 and 10 minutes");
        Check(options.MaxRetryAttempts is >= 0 and <= 1_000_000, nameof(options.MaxRetryAttempts), options.MaxRetryAttempts, "must be between 0 and 1000000");
        Check(options.RetryDelay >= TimeSpan.Zero && options.RetryDelay <= TimeSpan.FromHours(1), nameof(options.RetryDelay), options.RetryDelay, "must be between 0 and 1 hour");
        Check(options.MaxRetryDelay >= options.RetryDelay, nameof(options.MaxRetryDelay), options.MaxRetryDelay, $"must be at least {nameof(options.RetryDelay)}");
        Check(Enum.IsDefined(options.RetryBackoff), nameof(options.RetryBackoff), options.RetryBackoff, "must be Constant, Linear or Exponential");
        Check(!string.IsNullOrEmpty(options.DeadLetterTopicSuffix), nameof(options.DeadLetterTopicSuffix), options.DeadLetterTopicSuffix, "must not be empty");
        Check(options.DeadLetterTopic is null || options.DeadLetterTopic.Trim().Length > 0, nameof(options.DeadLetterTopic), options.DeadLetterTopic, "must not be blank (null to use the suffix)");
        Check(options.StaticAssignment is not null, nameof(options.StaticAssignment), null, "must not be null");
        if (options.StaticAssignment is not null)
        {
            var seen = new HashSet<(string, int)>();
            foreach (var pinned in options.StaticAssignment)
            {
                Check(pinned is not null && !string.IsNullOrWhiteSpace(pinned.Topic) && pinned.Partition >= 0,
                    nameof(options.StaticAssignment), pinned, "must list topics by name and partitions ≥ 0");
                if (pinned is not null)
                {
                    Check(seen.Add((pinned.Topic, pinned.Partition)), nameof(options.StaticAssignment), pinned, "must not list a partition twice");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws an <see cref="OptionsValidationException"/> listing every invalid property.</summary>
    public static void ThrowIfInvalid(SluiceConsumerOptions options)
    {
        var result = new SluiceConsumerOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(nameof(SluiceConsumerOptions), typeof(SluiceConsumerOptions), result.Failures);
        }
    }
}
