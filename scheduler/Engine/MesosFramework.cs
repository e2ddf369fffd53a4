using Microsoft.Extensions.Logging;
using Sluice.Mesos.Detection;
using Sluice.Mesos.Scheduler;
using Sluice.Proto.Mesos.V1;
using Sluice.Proto.Mesos.V1.Scheduler;
using Sluice.Scheduler.Configuration;
using Sluice.Scheduler.Detection;
using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Engine;

/// <summary>
/// The framework's subscription to the Mesos master (DESIGN.md §3.1) for one leadership term: subscribes
/// with the stored framework id (and stores the one Mesos gives), hands every event to the engine in order,
/// acknowledges every status update, and carries the engine's calls (ACCEPT, DECLINE, KILL, REVIVE,
/// SUPPRESS, RECONCILE). The client re-subscribes by itself after a lost connection or a master failover.
/// </summary>
internal sealed partial class MesosFramework(SchedulerOptions options, IStateStore store, SchedulerMetrics metrics, ILoggerFactory loggers)
    : IAsyncDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger<MesosFramework>();
    private MesosSchedulerClient? _client;
    private IAsyncDisposable? _detector;
    private bool? _suppressed;

    public bool IsSubscribed => _client?.State is SchedulerConnectionState.Subscribed;

    public string? FrameworkId => _client?.FrameworkId?.Value;

    public async Task RunAsync(IFrameworkHandler handler, CancellationToken cancellationToken)
    {
        var stored = await store.GetFrameworkIdAsync(cancellationToken);
        var info = new FrameworkInfo
        {
            User = System.Environment.UserName,
            Name = options.FrameworkName,
            FailoverTimeout = options.FailoverTimeout.TotalSeconds,
            Checkpoint = true,
            Hostname = options.Advertise ?? "",
        };
        info.Roles.Add(options.Role);
        info.Capabilities.Add(new FrameworkInfo.Types.Capability { Type = FrameworkInfo.Types.Capability.Types.Type.MultiRole });
        info.Capabilities.Add(new FrameworkInfo.Types.Capability { Type = FrameworkInfo.Types.Capability.Types.Type.TaskKillingState });
        if (options.Principal is { Length: > 0 } principal)
        {
            info.Principal = principal;
        }

        var builder = new MesosSchedulerClientBuilder(info)
            .UseLoggerFactory(loggers)
            .UseFrameworkId(stored is null ? null : new FrameworkID { Value = stored.Value })
            .OnConnectionStateChanged(state => metrics.Subscribed(state is SchedulerConnectionState.Subscribed));
        if (options.Master!.StartsWith("zk://", StringComparison.Ordinal))
        {
            var detector = new ZooKeeperMasterDetector(ZooKeeperMasterUrl.Parse(options.Master), loggers.CreateLogger<ZooKeeperMasterDetector>());
            detector.Start();
            _detector = detector;
            builder.UseMasterDetector(detector);
        }
        else
        {
            builder.UseMasters(options.Master.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(m => new Uri(m)));
        }
        if (options.Principal is { Length: > 0 } user && options.Secret is { } secret)
        {
            builder.UseBasicAuthentication(user, secret);
        }
        await using var client = builder.Build();
        _client = client;
        var storedVersion = stored?.Version ?? StateVersion.New;
        var storedId = stored?.Value;
        try
        {
            await foreach (var e in client.SubscribeAsync(cancellationToken))
            {
                switch (e.Type)
                {
                    case Event.Types.Type.Subscribed:
                        var id = e.Subscribed.FrameworkId.Value;
                        if (id != storedId)
                        {
                            storedVersion = (await store.PutFrameworkIdAsync(id, storedVersion, cancellationToken)).Version;
                            storedId = id;
                        }
                        _suppressed = null;
                        LogSubscribed(id);
                        await handler.OnSubscribedAsync(this, cancellationToken);
                        break;
                    case Event.Types.Type.Offers:
                        await handler.OnOffersAsync(this, e.Offers.Offers_, cancellationToken);
                        break;
                    case Event.Types.Type.Update:
                        handler.OnStatus(this, e.Update.Status);
                        if (SchedulerCalls.Acknowledge(e.Update.Status) is { } ack)
                        {
                            await CallQuietlyAsync(ack, "ACKNOWLEDGE", cancellationToken);
                        }
                        break;
                    case Event.Types.Type.Failure:
                        LogFailure(e.Failure.AgentId?.Value, e.Failure.ExecutorId?.Value, e.Failure.HasStatus ? e.Failure.Status : null);
                        break;
                    case Event.Types.Type.Error:
                        LogError(e.Error.Message);
                        break;
                }
            }
        }
        finally
        {
            _client = null;
            metrics.Subscribed(false);
        }
    }

    /// <summary>A call that may fail without ending the subscription (the master re-sends what matters).</summary>
    public async Task CallQuietlyAsync(Call call, string what, CancellationToken cancellationToken)
    {
        if (_client is not { } client)
        {
            return;
        }
        try
        {
            await client.CallAsync(call, cancellationToken);
        }
        catch (Exception ex) when (ex is Sluice.Mesos.Http.MesosCallException or HttpRequestException or InvalidOperationException or TimeoutException)
        {
            LogCallFailed(what, ex.Message);
        }
    }

    /// <summary>REVIVE when offers are wanted and they were suppressed, SUPPRESS when none are wanted.</summary>
    public async Task WantOffersAsync(bool wanted, CancellationToken cancellationToken)
    {
        if (_suppressed == !wanted || !IsSubscribed)
        {
            return;
        }
        _suppressed = !wanted;
        await CallQuietlyAsync(wanted ? SchedulerCalls.Revive(options.Role) : SchedulerCalls.Suppress(options.Role), wanted ? "REVIVE" : "SUPPRESS", cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_detector is not null)
        {
            await _detector.DisposeAsync();
        }
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "[Mesos] subscribed as framework {FrameworkId}")]
    private partial void LogSubscribed(string frameworkId);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "[Mesos] failure: agent {AgentId} executor {ExecutorId} status {Status}")]
    private partial void LogFailure(string? agentId, string? executorId, int? status);

    [LoggerMessage(EventId = 702, Level = LogLevel.Error, Message = "[Mesos] the master ended the framework's subscription: {Message}")]
    private partial void LogError(string message);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "[Mesos] {Call} failed: {Reason}")]
    private partial void LogCallFailed(string call, string reason);
}

/// <summary>What the engine does with the framework's events.</summary>
internal interface IFrameworkHandler
{
    Task OnSubscribedAsync(MesosFramework framework, CancellationToken cancellationToken);

    Task OnOffersAsync(MesosFramework framework, IReadOnlyList<Offer> offers, CancellationToken cancellationToken);

    void OnStatus(MesosFramework framework, Proto.Mesos.V1.TaskStatus status);
}
