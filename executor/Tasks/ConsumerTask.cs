using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Sluice.Consumer;
using Sluice.Executor.ControlPlane;
using Sluice.Executor.Handlers;
using Sluice.Proto.ControlPlane.V1;

namespace Sluice.Executor.Tasks;

/// <summary>
/// One Mesos task of this executor: the consumer core running the spec's handler, its initial
/// assignment, and the link to the scheduler's control plane.
/// </summary>
internal sealed class ConsumerTask : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SluiceConsumer _consumer;
    private readonly SchedulerLink _link;
    private readonly IDisposable? _handlerResources;
    private Task _linkRun = Task.CompletedTask;

    private ConsumerTask(string taskId, SluiceConsumer consumer, SchedulerLink link, IDisposable? handlerResources)
    {
        TaskId = taskId;
        _consumer = consumer;
        _link = link;
        _handlerResources = handlerResources;
    }

    public string TaskId { get; }

    /// <summary>The task's link to the scheduler's control plane (leader hints go to it).</summary>
    public SchedulerLink Link => _link;

    /// <summary>Completes with the reason when the scheduler asks the task to stop.</summary>
    public Task<string> StopRequested => _link.StopRequested;

    /// <summary>Builds and starts everything; throws with a message fit for TASK_FAILED when it cannot.</summary>
    public static async Task<ConsumerTask> StartAsync(string taskId, string executorId, string sandbox, TaskData data, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var context = new HandlerContext(taskId, data.Consumer, data.Version, sandbox,
            data.Handler?.Settings.ToDictionary(kv => kv.Key, kv => kv.Value) ?? [], loggers);
        var handler = HandlerFactory.Create(data.Handler?.Assembly ?? "", data.Handler?.Type ?? "", context);
        var decision = TaskDataMapping.Decision(data.Worker?.FailurePolicy ?? FailurePolicy.Unspecified);
        var builder = new SluiceConsumerBuilder(TaskDataMapping.ConsumerConfig(data.Kafka))
            .SetOptions(TaskDataMapping.Options(taskId, data.Worker))
            .SetFailureCallback(_ => ValueTask.FromResult(decision))
            .SetLoggerFactory(loggers);
        var consumer = handler.ApplyTo(builder).Build();
        await consumer.StartAsync(cancellationToken);
        await WarmUpAsync(consumer, taskId, data, loggers, cancellationToken);
        var (methods, took) = ControlPlaneWarmUp.Prepare(ControlPlaneWarmUp.Types(), cancellationToken);
        loggers.CreateLogger<ConsumerTask>().LogInformation("[Rehearsal] compiled {Methods} methods of the control plane ahead in {Ms:0} ms", methods, took.TotalMilliseconds);
        foreach (var assignment in data.Assignments)
        {
            await consumer.AssignAsync(new TopicPartition(assignment.Topic, assignment.Partition), assignment.StartOffset, assignment.Epoch, cancellationToken);
        }

        var link = new SchedulerLink(new SchedulerLinkOptions
        {
            Address = data.ControlPlaneAddress,
            TaskId = taskId,
            Consumer = data.Consumer,
            Version = data.Version,
            ExecutorId = executorId,
            AuthSecret = data.AuthSecret,
            LeaseTimeout = data.LeaseTimeoutMs > 0 ? TimeSpan.FromMilliseconds(data.LeaseTimeoutMs) : TimeSpan.FromSeconds(15),
            ProgressInterval = data.ProgressIntervalMs > 0 ? TimeSpan.FromMilliseconds(data.ProgressIntervalMs) : TimeSpan.FromSeconds(1),
        }, new ConsumerPartitionOwner(consumer), TimeProvider.System, loggers.CreateLogger<SchedulerLink>());
        var task = new ConsumerTask(taskId, consumer, link, (handler.Single ?? (object?)handler.Batch) as IDisposable);
        task._linkRun = link.RunAsync(task._stop.Token);
        return task;
    }

    /// <summary>
    /// Readies the task before the scheduler hands it anything: the Kafka client connected with the metadata read, the
    /// record path rehearsed and, with the dead-letter policy, the dead-letter producer connected. Failures are logged;
    /// the first assignment then pays for what is missing.
    /// </summary>
    private static async Task WarmUpAsync(SluiceConsumer consumer, string taskId, TaskData data, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger<ConsumerTask>();
        try
        {
            await consumer.WarmUpAsync([.. data.Kafka.Topics], TimeSpan.FromSeconds(10), cancellationToken);
        }
        catch (KafkaException ex)
        {
            // Nothing more to warm: the rehearsal would only wait out its own timeouts.
            logger.LogWarning("Warming up the Kafka client failed (the first assignment will connect): {Reason}", ex.Error.Reason);
            return;
        }
        if (data.Kafka.Topics.Count == 0)
        {
            return;
        }
        var topic = data.Kafka.Topics[0];
        await ConsumerRehearsal.RunAsync(TaskDataMapping.ConsumerConfig(data.Kafka), TaskDataMapping.Options(taskId + ".rehearsal", data.Worker), topic, loggers, cancellationToken);
        if (data.Worker?.FailurePolicy == FailurePolicy.DeadLetterAndContinue)
        {
            try
            {
                await consumer.WarmUpDeadLettersAsync(topic, TimeSpan.FromSeconds(10), cancellationToken);
            }
            catch (KafkaException ex)
            {
                logger.LogWarning("Warming up the dead-letter producer failed (the first dead letter will connect): {Reason}", ex.Error.Reason);
            }
        }
    }

    /// <summary>Stops cleanly: finishes in-flight work, commits, closes the consumer.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _consumer.StopAsync(cancellationToken);
        await _stop.CancelAsync();
        await _linkRun.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _linkRun.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _consumer.DisposeAsync();
        _handlerResources?.Dispose();
        _stop.Dispose();
    }
}
