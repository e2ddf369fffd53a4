using Prometheus;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.Handover;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Engine;

/// <summary>
/// The scheduler's Prometheus metrics (served at <c>/metrics</c>): framework subscription, offers,
/// tasks by state, partitions, lag from the executors' progress, handovers with their durations.
/// One registry per scheduler, so several in one process (tests) do not share counters.
/// </summary>
internal sealed class SchedulerMetrics
{
    private readonly Gauge _subscribed;
    private readonly Counter _offers;
    private readonly Counter _launched;
    private readonly Gauge _tasks;
    private readonly Gauge _partitions;
    private readonly Gauge _lag;
    private readonly Gauge _connected;
    private readonly Counter _handovers;
    private readonly Histogram _handoverSeconds;
    private readonly Counter _handoverFailures;
    private readonly Counter _statusUpdates;

    public SchedulerMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _subscribed = factory.CreateGauge("sluice_framework_subscribed", "1 while this scheduler is subscribed to the Mesos master as the framework.");
        _offers = factory.CreateCounter("sluice_offers_total", "Offers received, by what was done with them.", "decision");
        _launched = factory.CreateCounter("sluice_tasks_launched_total", "Tasks launched.", "consumer");
        _statusUpdates = factory.CreateCounter("sluice_task_status_updates_total", "Task status updates from Mesos, by state.", "state");
        _tasks = factory.CreateGauge("sluice_tasks", "Tasks by consumer and Mesos state.", "consumer", "state");
        _connected = factory.CreateGauge("sluice_tasks_connected", "Tasks connected to the control plane.", "consumer");
        _partitions = factory.CreateGauge("sluice_partitions", "Partitions of the consumer's topics.", "consumer");
        _lag = factory.CreateGauge("sluice_consumer_lag", "Records behind the high watermark, summed over partitions, from the executors' progress.", "consumer");
        _handovers = factory.CreateCounter("sluice_handovers_total", "Partition handovers, by whether the old owner released cleanly.", "consumer", "clean");
        _handoverFailures = factory.CreateCounter("sluice_handover_failures_total", "Handovers that failed and were retried.", "consumer");
        _handoverSeconds = factory.CreateHistogram("sluice_handover_duration_seconds", "From the release request to the new owner's confirmation.",
            new HistogramConfiguration { LabelNames = ["consumer"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
    }

    public CollectorRegistry Registry { get; }

    public void Subscribed(bool subscribed) => _subscribed.Set(subscribed ? 1 : 0);

    public void Offer(string decision) => _offers.WithLabels(decision).Inc();

    public void Launched(string consumer) => _launched.WithLabels(consumer).Inc();

    public void StatusUpdate(MesosTaskState state) => _statusUpdates.WithLabels(state.ToString()).Inc();

    public void Handover(string consumer, HandoverOutcome outcome)
    {
        _handovers.WithLabels(consumer, outcome.Clean ? "true" : "false").Inc();
        _handoverSeconds.WithLabels(consumer).Observe(outcome.Duration.TotalSeconds);
    }

    public void HandoverFailed(string consumer) => _handoverFailures.WithLabels(consumer).Inc();

    public void Observe(string consumer, IReadOnlyList<TrackedTask> tasks, int partitions, ExecutorRegistry registry)
    {
        foreach (var state in Enum.GetValues<MesosTaskState>())
        {
            _tasks.WithLabels(consumer, state.ToString()).Set(tasks.Count(t => t.State == state));
        }
        _partitions.WithLabels(consumer).Set(partitions);
        long lag = 0;
        var connected = 0;
        foreach (var task in tasks)
        {
            if (registry.Find(task.TaskId) is { } session)
            {
                connected++;
                lag += session.LatestProgress?.Partitions.Where(p => p.Lag > 0).Sum(p => p.Lag) ?? 0;
            }
        }
        _connected.WithLabels(consumer).Set(connected);
        _lag.WithLabels(consumer).Set(lag);
    }
}
