using Confluent.Kafka;
using Sluice.Bench.Harness;

namespace Sluice.Bench.Cutover;

/// <summary>
/// What every contender is given: the same cluster, topic shape, produce rate, handler sink and
/// windows, plus the steps of a run that the harness owns (warm-up, finishing the deploy,
/// draining), so that contenders only differ in how they deploy.
/// </summary>
/// <remarks>
/// One scenario serves one contender run. The marks and notes may be called from any thread;
/// the order of a run is described on <see cref="ICutoverContender"/>.
/// </remarks>
internal sealed class CutoverScenario(CutoverSettings settings, string bootstrapServers, string topic, CutoverRecorder recorder, SteadyProducer producer)
{
    public const string OldVersion = "v1";
    public const string NewVersion = "v2";

    private readonly Lock _gate = new();
    private readonly List<CutoverEvent> _events = [];
    private TimeSpan? _steadyFrom;
    private TimeSpan? _deployStarted;
    private TimeSpan? _deployFinished;

    public CutoverSettings Settings { get; } = settings;

    public string BootstrapServers { get; } = bootstrapServers;

    public string Topic { get; } = topic;

    public int Partitions => Settings.Partitions;

    /// <summary>Consumers of each version.</summary>
    public int Consumers => Settings.Consumers;

    /// <summary>The handler every contender uses: call it once per finished record.</summary>
    public ICutoverSink Sink => Recorder;

    internal CutoverRecorder Recorder { get; } = recorder;

    /// <summary>The run's clock.</summary>
    public TimeSpan Now => Recorder.Now;

    /// <summary>
    /// The client settings every contender shares: bootstrap, <c>fetch.wait.max.ms</c> for the mock,
    /// start at the earliest offset when nothing is committed, no auto commit unless the contender
    /// turns it on.
    /// </summary>
    public ConsumerConfig BaseConsumerConfig(string clientId) => new()
    {
        BootstrapServers = BootstrapServers,
        ClientId = clientId,
        FetchWaitMaxMs = Settings.FetchWaitMaxMs,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnableAutoCommit = false,
    };

    /// <summary>
    /// Waits until every partition is being processed and the consumers have caught up with what was
    /// produced before they joined, then for the steady window.
    /// </summary>
    /// <exception cref="TimeoutException">A partition processed nothing, or the backlog was not caught up, within the step timeout.</exception>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        await WithinStepTimeout(Recorder.WhenEveryPartitionProcessedSinceAsync(TimeSpan.Zero, cancellationToken), "every partition to be processed once");
        await WithinStepTimeout(Recorder.WhenCaughtUpAsync(cancellationToken), "the consumers to catch up with the records produced before they joined");
        var from = Now;
        lock (_gate)
        {
            _steadyFrom = from;
        }
        Note("steady window");
        await Task.Delay(Settings.SteadyWindow, cancellationToken);
    }

    /// <summary>The deploy starts now.</summary>
    public void MarkDeployStarted()
    {
        var at = Now;
        lock (_gate)
        {
            if (_steadyFrom is null)
            {
                throw new InvalidOperationException($"{nameof(WarmUpAsync)} must complete before the deploy starts.");
            }
            _deployStarted = at;
        }
        Note("deploy started");
    }

    /// <summary>Notes a step of the deploy (e.g. "v2-0 started"), shown in the chart and the JSON.</summary>
    public void Note(string what)
    {
        var at = Now;
        lock (_gate)
        {
            _events.Add(new CutoverEvent(at, what));
        }
    }

    /// <summary>
    /// Call once every old consumer has stopped: waits until every partition has processed a record
    /// since, and marks the deploy finished at that moment.
    /// </summary>
    /// <exception cref="TimeoutException">Some partition processed nothing within the step timeout.</exception>
    public async Task FinishDeployAsync(CancellationToken cancellationToken)
    {
        var since = Now;
        await WithinStepTimeout(Recorder.WhenEveryPartitionProcessedSinceAsync(since, cancellationToken), "every partition to resume after the deploy");
        var at = Now;
        lock (_gate)
        {
            _deployFinished = at;
        }
        Note("deploy finished");
    }

    /// <summary>
    /// Stops the producer and waits until every acknowledged record is processed, at most the drain
    /// timeout (what is still missing then is reported as lost or unprocessed).
    /// </summary>
    public async Task StopProducingAndDrainAsync(CancellationToken cancellationToken)
    {
        await producer.StopAsync(Settings.StepTimeout);
        Note("producer stopped");
        try
        {
            await Recorder.WhenCaughtUpAsync(cancellationToken).WaitAsync(Settings.DrainTimeout, cancellationToken);
            Note("drained");
        }
        catch (TimeoutException)
        {
            Note($"drain timed out after {Settings.DrainTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>The run's windows and steps, with what the contender wants printed.</summary>
    /// <exception cref="InvalidOperationException">A step of the run was skipped.</exception>
    public CutoverRun Complete(IReadOnlyDictionary<string, string> settings, IReadOnlyDictionary<string, long> counters)
    {
        lock (_gate)
        {
            if (_steadyFrom is not { } steady || _deployStarted is not { } started || _deployFinished is not { } finished)
            {
                throw new InvalidOperationException("The run skipped a step: warm-up, deploy start and finish must all happen before it completes.");
            }
            return new CutoverRun(steady, started, finished, _events.ToArray(), settings, counters);
        }
    }

    private async Task WithinStepTimeout(Task wait, string what)
    {
        try
        {
            await wait.WaitAsync(Settings.StepTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Waited {Settings.StepTimeout.TotalSeconds:0} s for {what}.");
        }
    }
}
