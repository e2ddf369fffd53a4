using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Consumer;
using Sluice.Executor.ControlPlane;
using Sluice.Executor.Handlers;

namespace Sluice.Integration.Tests.Handover;

/// <summary>
/// An executor's working parts in this process: the consumer core with the recording handler,
/// linked to the scheduler's control plane. (The executor process wraps exactly these.)
/// </summary>
internal sealed class InProcessExecutor : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _link;

    private InProcessExecutor(string taskId, SluiceConsumer consumer, SchedulerLink link)
    {
        TaskId = taskId;
        Consumer = consumer;
        Link = link;
        _link = link.RunAsync(_stop.Token);
    }

    public string TaskId { get; }

    public SluiceConsumer Consumer { get; }

    public SchedulerLink Link { get; }

    public static async Task<InProcessExecutor> StartAsync(string taskId, string version, string bootstrap, int fetchWaitMaxMs, string groupId, string output, string controlPlane, Dictionary<string, string>? handlerSettings = null)
    {
        var settings = new Dictionary<string, string>(handlerSettings ?? []) { ["output"] = output };
        var handler = HandlerFactory.Create("", "sluice:record",
            new HandlerContext(taskId, "orders", version, output, settings, NullLoggerFactory.Instance));
        var config = new ConsumerConfig { BootstrapServers = bootstrap, GroupId = groupId, FetchWaitMaxMs = fetchWaitMaxMs };
        var consumer = handler.ApplyTo(new SluiceConsumerBuilder(config)
            .SetOptions(new SluiceConsumerOptions { Name = taskId, Workers = 4, CommitInterval = TimeSpan.FromMilliseconds(200) })
            .SetMetricsRegistry(Prometheus.Metrics.NewCustomRegistry())).Build();
        await consumer.StartAsync();
        var link = new SchedulerLink(new SchedulerLinkOptions
        {
            Address = controlPlane,
            TaskId = taskId,
            Consumer = "orders",
            Version = version,
            ExecutorId = taskId,
            ReconnectBackoffMin = TimeSpan.FromMilliseconds(20),
            ReconnectBackoffMax = TimeSpan.FromMilliseconds(200),
        }, new ConsumerPartitionOwner(consumer), TimeProvider.System, NullLogger<SchedulerLink>.Instance);
        return new InProcessExecutor(taskId, consumer, link);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _link.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Consumer.DisposeAsync();
        _stop.Dispose();
    }
}
