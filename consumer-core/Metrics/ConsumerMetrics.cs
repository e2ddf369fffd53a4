using Prometheus;
using Sluice.Consumer.Failures;

namespace Sluice.Consumer.Metrics;

/// <summary>
/// The consumer's prometheus-net collectors, in the registry the builder was given (so several
/// consumers or tests in one process do not collide), labelled with the consumer's name.
/// </summary>
internal sealed class ConsumerMetrics
{
    /// <summary>25% steps from 50 µs to about 60 s: fine enough for p50/p95/p99/p99.9.</summary>
    private static readonly double[] LatencyBuckets = Histogram.ExponentialBuckets(0.00005, 1.25, 64);

    private readonly string _name;
    private readonly Counter _records;
    private readonly Counter _bytes;
    private readonly Gauge _lag;
    private readonly Counter _failures;

    public ConsumerMetrics(CollectorRegistry registry, string name)
    {
        _name = name;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _records = factory.CreateCounter("sluice_consumer_records_total", "Records processed (or given up on) by the consumer's workers.", "consumer", "topic");
        _bytes = factory.CreateCounter("sluice_consumer_bytes_total", "Key and value bytes of the records processed.", "consumer", "topic");
        Latency = factory.CreateHistogram("sluice_consumer_processing_seconds", "Handler time per record (per batch for batch handlers), retries included.",
            new HistogramConfiguration { LabelNames = ["consumer"], Buckets = LatencyBuckets }).WithLabels(name);
        InFlight = factory.CreateGauge("sluice_consumer_in_flight", "Records being processed.", "consumer").WithLabels(name);
        BufferedBytes = factory.CreateGauge("sluice_consumer_buffered_bytes", "Bytes of fetched records not yet done (the reservoir).", "consumer").WithLabels(name);
        _lag = factory.CreateGauge("sluice_consumer_lag", "High watermark minus the next offset to process, per partition.", "consumer", "topic", "partition");
        Commits = factory.CreateCounter("sluice_consumer_commits_total", "Offset commits to Kafka.", "consumer").WithLabels(name);
        CommitErrors = factory.CreateCounter("sluice_consumer_commit_errors_total", "Offset commits Kafka rejected.", "consumer").WithLabels(name);
        _failures = factory.CreateCounter("sluice_consumer_failures_total", "Records whose processing failed, by the decision taken.", "consumer", "decision");
        FailedAttempts = factory.CreateCounter("sluice_consumer_failed_attempts_total", "Handler attempts that threw.", "consumer").WithLabels(name);
        ReleaseDuration = factory.CreateHistogram("sluice_consumer_release_seconds", "Time to release a partition (drain in-flight records and commit).",
            new HistogramConfiguration { LabelNames = ["consumer"], Buckets = Histogram.ExponentialBuckets(0.0005, 1.5, 30) }).WithLabels(name);
        Paused = factory.CreateCounter("sluice_consumer_reservoir_pauses_total", "Times a partition paused because its buffer was full.", "consumer").WithLabels(name);
    }

    public Histogram.Child Latency { get; }

    public Gauge.Child InFlight { get; }

    public Gauge.Child BufferedBytes { get; }

    public Counter.Child Commits { get; }

    public Counter.Child CommitErrors { get; }

    public Counter.Child FailedAttempts { get; }

    public Histogram.Child ReleaseDuration { get; }

    public Counter.Child Paused { get; }

    public PartitionMetrics ForPartition(string topic, int partition) =>
        new(_records.WithLabels(_name, topic), _bytes.WithLabels(_name, topic), _lag.WithLabels(_name, topic, partition.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public void RemovePartition(string topic, int partition) =>
        _lag.RemoveLabelled(_name, topic, partition.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void CountFailure(FailedDecision decision) => _failures.WithLabels(_name, DecisionLabel(decision)).Inc();

    private static string DecisionLabel(FailedDecision decision) => decision switch
    {
        FailedDecision.Retry => "retry",
        FailedDecision.CommitOffsetAndContinue => "commit_offset_and_continue",
        FailedDecision.DoNotCommitOffsetAndStop => "do_not_commit_offset_and_stop",
        FailedDecision.DeadLetterAndContinue => "dead_letter_and_continue",
        _ => "unknown",
    };
}

/// <summary>Labelled children cached per partition, so the hot path never looks labels up.</summary>
internal sealed record PartitionMetrics(Counter.Child Records, Counter.Child Bytes, Gauge.Child Lag);
