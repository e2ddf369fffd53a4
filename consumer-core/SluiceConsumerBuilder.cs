using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Consumer.Failures;

namespace Sluice.Consumer;

/// <summary>
/// Builds a <see cref="SluiceConsumer"/> over a Confluent.Kafka consumer configuration. Every
/// <c>SetXxx</c> returns the same builder so calls can be chained, and throws
/// <see cref="InvalidOperationException"/> when called twice. <see cref="Build"/> validates and
/// freezes everything: later changes to the builder or the options do not reach the consumer.
/// </summary>
/// <remarks>
/// The Kafka configuration needs <c>bootstrap.servers</c> and <c>group.id</c> (used only to store
/// committed offsets: the consumer never joins the group). <c>enable.auto.commit</c> and
/// <c>enable.auto.offset.store</c> are forced to false: the consumer commits what it processed.
/// </remarks>
public sealed class SluiceConsumerBuilder
{
    private readonly ConsumerConfig _config;
    private SluiceConsumerOptions? _options;
    private IMessageHandler? _handler;
    private IBatchMessageHandler? _batchHandler;
    private WorkerFailedAttemptCallback? _onFailedAttempt;
    private WorkerFailureCallback? _onFailure;
    private ProducerConfig? _deadLetterConfig;
    private Prometheus.CollectorRegistry? _registry;
    private TimeProvider? _time;
    private ILoggerFactory? _loggerFactory;

    public SluiceConsumerBuilder(ConsumerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = new ConsumerConfig(config.ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    /// <summary>Sets the options (copied at <see cref="Build"/>); without it the defaults apply.</summary>
    public SluiceConsumerBuilder SetOptions(SluiceConsumerOptions options) => Set(ref _options, options, nameof(SetOptions));

    /// <summary>Sets the handler of single messages. See <see cref="IMessageHandler"/> for its thread and exception contract.</summary>
    public SluiceConsumerBuilder SetHandler(IMessageHandler handler)
    {
        ThrowIfHandlerSet();
        return Set(ref _handler, handler, nameof(SetHandler));
    }

    /// <summary>Sets the handler of single messages as a delegate.</summary>
    public SluiceConsumerBuilder SetHandler(Func<ConsumedMessage, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return SetHandler(new DelegateMessageHandler(handler));
    }

    /// <summary>Sets a batch handler instead of a single-message one. See <see cref="IBatchMessageHandler"/>.</summary>
    public SluiceConsumerBuilder SetBatchHandler(IBatchMessageHandler handler)
    {
        ThrowIfHandlerSet();
        return Set(ref _batchHandler, handler, nameof(SetBatchHandler));
    }

    /// <summary>Sets a batch handler as a delegate.</summary>
    public SluiceConsumerBuilder SetBatchHandler(Func<ReadOnlyMemory<ConsumedMessage>, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return SetBatchHandler(new DelegateBatchMessageHandler(handler));
    }

    /// <summary>Decides after each failed attempt (the ancestor's <c>WorkerFailedAttemptCallback</c>).</summary>
    public SluiceConsumerBuilder SetFailedAttemptCallback(WorkerFailedAttemptCallback callback) => Set(ref _onFailedAttempt, callback, nameof(SetFailedAttemptCallback));

    /// <summary>Decides once retries are exhausted (the ancestor's <c>WorkerFailureCallback</c>).</summary>
    public SluiceConsumerBuilder SetFailureCallback(WorkerFailureCallback callback) => Set(ref _onFailure, callback, nameof(SetFailureCallback));

    /// <summary>
    /// The producer configuration for dead letters; by default the consumer's bootstrap servers and security settings,
    /// acks=all, and room for a message as large as the consumer receives (its <c>receive.message.max.bytes</c>).
    /// </summary>
    public SluiceConsumerBuilder SetDeadLetterProducerConfig(ProducerConfig config) => Set(ref _deadLetterConfig, config, nameof(SetDeadLetterProducerConfig));

    /// <summary>The registry for the consumer's metrics; by default prometheus-net's default registry.</summary>
    public SluiceConsumerBuilder SetMetricsRegistry(Prometheus.CollectorRegistry registry) => Set(ref _registry, registry, nameof(SetMetricsRegistry));

    /// <summary>The clock for commit intervals, retry backoff and timeouts; by default <see cref="TimeProvider.System"/>.</summary>
    public SluiceConsumerBuilder SetTimeProvider(TimeProvider timeProvider) => Set(ref _time, timeProvider, nameof(SetTimeProvider));

    public SluiceConsumerBuilder SetLoggerFactory(ILoggerFactory loggerFactory) => Set(ref _loggerFactory, loggerFactory, nameof(SetLoggerFactory));

    /// <summary>Validates and builds. Throws <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> naming each invalid option.</summary>
    public SluiceConsumer Build()
    {
        if (_handler is null && _batchHandler is null)
        {
            throw new InvalidOperationException($"Set a handler first ({nameof(SetHandler)} or {nameof(SetBatchHandler)}).");
        }
        var options = (_options ?? new SluiceConsumerOptions()).Clone();
        SluiceConsumerOptionsValidator.ThrowIfInvalid(options);
        if (string.IsNullOrWhiteSpace(_config.BootstrapServers))
        {
            throw new ArgumentException($"{nameof(ConsumerConfig)}.{nameof(ConsumerConfig.BootstrapServers)} is required.", "config");
        }
        if (string.IsNullOrWhiteSpace(_config.GroupId))
        {
            throw new ArgumentException($"{nameof(ConsumerConfig)}.{nameof(ConsumerConfig.GroupId)} is required: committed offsets are stored under it.", "config");
        }

        var config = new ConsumerConfig(_config.ToDictionary(kv => kv.Key, kv => kv.Value))
        {
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
        };
        var loggerFactory = _loggerFactory ?? NullLoggerFactory.Instance;
        var kafkaLogger = loggerFactory.CreateLogger("Sluice.Consumer.Kafka");
        // The error handler runs on the poll thread inside Consume; the log handler may run on librdkafka's
        // threads. Both only log: neither may call back into the consumer.
        var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetErrorHandler((_, error) => kafkaLogger.LogWarning("[Kafka] {Code} {Reason} (fatal: {Fatal})", error.Code, error.Reason, error.IsFatal))
            .SetLogHandler((_, log) => kafkaLogger.Log(LogLevelOf(log.Level), "[librdkafka] {Facility} {Message}", log.Facility, log.Message))
            .Build();

        return new SluiceConsumer(
            options,
            consumer,
            _handler,
            _batchHandler,
            _onFailedAttempt,
            _onFailure,
            _deadLetterConfig ?? DeadLetterConfigFrom(config),
            _registry ?? Prometheus.Metrics.DefaultRegistry,
            _time ?? TimeProvider.System,
            loggerFactory);
    }

    /// <summary>librdkafka's default <c>receive.message.max.bytes</c>: the largest fetch response a consumer takes.</summary>
    private const int DefaultReceiveMessageMaxBytes = 100_000_000;

    private static ProducerConfig DeadLetterConfigFrom(ConsumerConfig config)
    {
        var producer = new ProducerConfig
        {
            BootstrapServers = config.BootstrapServers,
            Acks = Acks.All,
            LingerMs = 5,
            // Whatever the consumer could receive must fit in a dead letter; librdkafka's producer default
            // (1,000,000 bytes) refused a 1 MiB record, which then stopped its partition instead. The broker's
            // max.message.bytes of the dead-letter topic still applies.
            MessageMaxBytes = config.ReceiveMessageMaxBytes ?? DefaultReceiveMessageMaxBytes,
        };
        foreach (var (key, value) in config)
        {
            if (key.StartsWith("security.", StringComparison.Ordinal) || key.StartsWith("sasl.", StringComparison.Ordinal) || key.StartsWith("ssl.", StringComparison.Ordinal))
            {
                producer.Set(key, value);
            }
        }
        return producer;
    }

    private static LogLevel LogLevelOf(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
        SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };

    private void ThrowIfHandlerSet()
    {
        if (_handler is not null || _batchHandler is not null)
        {
            throw new InvalidOperationException("A handler has already been set; a consumer has exactly one.");
        }
    }

    private SluiceConsumerBuilder Set<T>(ref T? field, T value, string method) where T : class
    {
        ArgumentNullException.ThrowIfNull(value);
        if (field is not null)
        {
            throw new InvalidOperationException($"{method} may only be called once.");
        }
        field = value;
        return this;
    }
}
