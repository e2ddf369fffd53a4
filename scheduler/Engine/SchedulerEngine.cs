using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sluice.Mesos.Scheduler;
using Sluice.Proto.ControlPlane.V1;
using Sluice.Proto.Mesos.V1;
using Sluice.Scheduler.Api;
using Sluice.Scheduler.Configuration;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.Handover;
using Sluice.Scheduler.Hosting;
using Sluice.Scheduler.Offers;
using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;
using LeadershipApi = Sluice.Scheduler.Leadership.ILeadership;

namespace Sluice.Scheduler.Engine;

/// <summary>
/// The scheduler's engine: while this scheduler leads, it keeps the framework subscribed to Mesos, runs one
/// <see cref="ConsumerLoop"/> per consumer, launches the tasks they want on fitting offers (declining the rest,
/// suppressing offers when nothing is wanted), follows task status, applies the REST API's changes, and tells
/// executors that are not connected where it is (<see cref="LeaderHints"/>).
/// </summary>
internal sealed partial class SchedulerEngine(
    IOptions<SchedulerOptions> schedulerOptions,
    IOptions<EngineOptions> engineOptions,
    IOptions<ControlPlaneOptions> controlPlaneOptions,
    HandoverOptions handoverOptions,
    EngineEndpoints endpoints,
    ExecutorArtifact executor,
    IStateStore store,
    LeadershipApi leadership,
    ExecutorRegistry registry,
    ConsumerChangeQueue changes,
    OperationTracker operations,
    SchedulerEvents events,
    SchedulerMetrics metrics,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService, IFrameworkHandler, ITaskKiller, IOwnerTerminator
{
    private readonly SchedulerOptions _options = schedulerOptions.Value;
    private readonly EngineOptions _engine = engineOptions.Value;
    private readonly ILogger _logger = loggers.CreateLogger<SchedulerEngine>();
    private readonly TaskBook _book = new(store, registry, time);
    private readonly Reconciliation _reconciliation = new(time, loggers.CreateLogger<Reconciliation>());
    private readonly ConcurrentDictionary<string, (ConsumerLoop Loop, Task Run)> _loops = new(StringComparer.Ordinal);
    private MesosFramework? _framework;
    private TaskInfoFactory? _factory;
    private KafkaPartitionSource? _partitions;
    private CancellationToken _term;

    internal TaskBook Book => _book;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _factory = new TaskInfoFactory(executor, endpoints.ControlPlaneAddress, _options.Kafka!, ParseConfig(_options.ExecutorKafkaConfig),
            controlPlaneOptions.Value, _engine);
        LogExecutor(executor.PackageUri ?? executor.DllPath!);
        registry.Connected += OnConnected;
        registry.Disconnected += OnDisconnected;
        var failures = 0;
        var termStarted = time.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await leadership.WhenLeaderAsync(stoppingToken);
                using var term = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, leadership.CommandToken);
                LogTermStarted();
                termStarted = time.GetTimestamp();
                await RunTermAsync(term.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                LogTermEnded("leadership lost");
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception ex) when (ex is StateStoreException or Sluice.Mesos.Http.MesosCallException or InvalidOperationException)
            {
                // E.g. the master refused our credentials: a fault an operator fixes, so back off (1 s … 60 s).
                failures = time.GetElapsedTime(termStarted) > TimeSpan.FromMinutes(1) ? 1 : failures + 1;
                var wait = TimeSpan.FromSeconds(Math.Min(60, 1 << Math.Min(failures - 1, 6)));
                LogTermFailed(ex.Message, wait.TotalSeconds);
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }
            finally
            {
                await StopLoopsAsync();
            }
        }
        registry.Connected -= OnConnected;
        registry.Disconnected -= OnDisconnected;
        _partitions?.Dispose();
    }

    private async Task RunTermAsync(CancellationToken cancellationToken)
    {
        _term = cancellationToken;
        _partitions ??= new KafkaPartitionSource(_options.Kafka!, _engine.MetadataRefresh, time, loggers.CreateLogger<KafkaPartitionSource>());
        foreach (var name in await store.ListConsumersAsync(cancellationToken))
        {
            if (await store.GetConsumerAsync(name, cancellationToken) is { } record)
            {
                _book.Load(record.Value);
                StartLoop(record.Value.Spec);
            }
        }
        await using var framework = new MesosFramework(_options, store, metrics, loggers);
        _framework = framework;
        var changesTask = ApplyChangesAsync(cancellationToken);
        var offersTask = KeepOfferInterestAsync(cancellationToken);
        var hintsTask = LeaderHintsFor().RunAsync(() => framework.IsSubscribed,
            (call, token) => framework.CallQuietlyAsync(call, "MESSAGE", token), cancellationToken);
        try
        {
            await framework.RunAsync(this, cancellationToken);
            // The master ended the subscription for good (ERROR): start over with a new term.
            throw new InvalidOperationException("the Mesos master ended the framework's subscription");
        }
        finally
        {
            _framework = null;
            await Task.WhenAll(changesTask, offersTask, hintsTask).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>This term's hints to executors that are not connected (their leader may have died): where we are.</summary>
    private LeaderHints LeaderHintsFor() => new(_book, registry, new LeaderHint
    {
        ControlPlaneAddress = endpoints.ControlPlaneAddress,
        SchedulerId = controlPlaneOptions.Value.SchedulerId,
        Term = checked((ulong)leadership.Term),
    }, _engine, time, loggers.CreateLogger<LeaderHints>());

    private void StartLoop(ConsumerSpec spec)
    {
        if (_loops.ContainsKey(spec.Name))
        {
            return;
        }
        var loop = new ConsumerLoop(spec.Name, spec.GroupId, store, _book, registry, _partitions!, this, this, _options.Kafka!, handoverOptions,
            operations, events, metrics, _engine, time, loggers);
        var run = Task.Run(async () =>
        {
            try
            {
                await loop.RunAsync(_term);
            }
            finally
            {
                _loops.TryRemove(spec.Name, out _);
                await loop.DisposeAsync();
            }
        });
        _loops[spec.Name] = (loop, run);
    }

    private async Task StopLoopsAsync()
    {
        await Task.WhenAll(_loops.Values.Select(l => l.Run)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _loops.Clear();
    }

    /// <summary>The REST API's changes: start or nudge the consumer's loop, track scale operations.</summary>
    private async Task ApplyChangesAsync(CancellationToken cancellationToken)
    {
        await foreach (var work in changes.Reader.ReadAllAsync(cancellationToken))
        {
            try
            {
                if (!_loops.ContainsKey(work.Consumer) && await store.GetConsumerAsync(work.Consumer, cancellationToken) is { } record)
                {
                    StartLoop(record.Value.Spec);
                }
                if (_loops.TryGetValue(work.Consumer, out var entry))
                {
                    if (work is ConsumerWork.Scale scale)
                    {
                        entry.Loop.TrackOperation(scale.OperationId);
                    }
                    entry.Loop.Nudge();
                }
                else if (work is ConsumerWork.Scale gone)
                {
                    operations.MarkFailed(gone.OperationId, $"consumer '{work.Consumer}' no longer exists");
                }
            }
            catch (StateStoreException ex)
            {
                LogChangeFailed(work.Consumer, ex.Message);
            }
        }
    }

    /// <summary>Every second: REVIVE when a consumer wants tasks, SUPPRESS when none does.</summary>
    private async Task KeepOfferInterestAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_framework is { } framework)
            {
                await framework.WantOffersAsync(Demands().Count > 0, cancellationToken);
            }
        }
    }

    private List<LaunchDemand> Demands() => _loops.Values.SelectMany(l => l.Loop.Demand()).ToList();

    public async Task OnSubscribedAsync(MesosFramework framework, CancellationToken cancellationToken)
    {
        var known = _book.All().Where(t => !t.IsTerminal)
            .Select(t => (new TaskID { Value = t.TaskId }, t.AgentId is null ? null : new AgentID { Value = t.AgentId }))
            .ToList();
        await _reconciliation.StartAsync(framework, known, cancellationToken);
        events.Publish("framework.subscribed", null, $"subscribed as {framework.FrameworkId}; reconciling {known.Count} task(s)");
        await framework.WantOffersAsync(Demands().Count > 0, cancellationToken);
    }

    public async Task OnOffersAsync(MesosFramework framework, IReadOnlyList<Offer> offers, CancellationToken cancellationToken)
    {
        var demands = Demands();
        var launches = new List<(Offer Offer, List<TaskInfo> Tasks)>();
        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var offer in offers)
        {
            var view = OfferView.From(offer);
            _book.SeenAgent(offer.AgentId.Value, view);
            var remaining = offer.Resources.Select(r => r.Clone()).ToList();
            var tasks = new List<TaskInfo>();
            for (var i = 0; i < demands.Count; i++)
            {
                var demand = demands[i];
                var need = _factory!.Need(demand.Version);
                while (demand.Count > 0)
                {
                    var reason = Placement.Check(view, need, demand.Spec.Constraints, _book.PlacedHosts(demand.Spec.Name));
                    if (reason is not null)
                    {
                        LogOfferDoesNotFit(offer.Hostname, demand.Spec.Name, reason.Value);
                        break;
                    }
                    var taskId = TaskInfoFactory.NewTaskId(demand.Spec.Name, demand.Version.Id);
                    tasks.Add(_factory.Build(demand.Spec, demand.Version, demand.Revision, taskId, offer, remaining));
                    _book.Add(new TrackedTask(taskId, demand.Spec.Name, demand.Version.Id, offer.AgentId.Value, MesosTaskState.Staging, time.GetTimestamp())
                    {
                        Host = view,
                    });
                    view = view with { Cpus = view.Cpus - need.Cpus, MemoryMb = view.MemoryMb - need.MemoryMb, DiskMb = view.DiskMb - need.DiskMb };
                    demand = demand with { Count = demand.Count - 1 };
                    touched.Add(demand.Spec.Name);
                }
                demands[i] = demand;
            }
            launches.Add((offer, tasks));
        }

        // Persist before launching: a scheduler that dies right after ACCEPT still knows its tasks.
        foreach (var consumer in touched)
        {
            await _book.PersistAsync(consumer, cancellationToken);
        }
        var wanted = Demands().Count > 0;
        foreach (var (offer, tasks) in launches)
        {
            if (tasks.Count > 0)
            {
                metrics.Offer("accepted");
                foreach (var task in tasks)
                {
                    var consumer = task.Labels.Labels_.First(l => l.Key == "sluice.consumer").Value;
                    metrics.Launched(consumer);
                    LogLaunching(task.TaskId.Value, offer.Hostname);
                    events.Publish("task.launched", consumer, $"{task.TaskId.Value} on {offer.Hostname}",
                        new Dictionary<string, string> { ["taskId"] = task.TaskId.Value, ["agentId"] = offer.AgentId.Value, ["host"] = offer.Hostname });
                }
                await framework.CallQuietlyAsync(SchedulerCalls.Accept([offer.Id], [SchedulerCalls.Launch(tasks)],
                    SchedulerCalls.RefuseFor(_engine.DeclineWhileWanted)), "ACCEPT", cancellationToken);
            }
            else
            {
                metrics.Offer("declined");
                await framework.CallQuietlyAsync(SchedulerCalls.Decline([offer.Id], wanted ? _engine.DeclineWhileWanted : _engine.DeclineWhenIdle),
                    "DECLINE", cancellationToken);
            }
        }
        await framework.WantOffersAsync(wanted, cancellationToken);
    }

    public void OnStatus(MesosFramework framework, Proto.Mesos.V1.TaskStatus status)
    {
        var id = status.TaskId.Value;
        var state = TaskStates.FromProto(status.State);
        metrics.StatusUpdate(state);
        _reconciliation.Answered(id);
        TrackedTask? task = null;
        var changed = _book.Update(id, t =>
        {
            task = t;
            if (t.State != state)
            {
                t.State = state;
                t.Since = time.GetTimestamp();
            }
            if (status.AgentId is { } agent)
            {
                t.AgentId = agent.Value;
            }
            t.Message = status.HasMessage ? status.Message : t.Message;
        });
        if (!changed)
        {
            if (!TaskStates.IsTerminal(state))
            {
                // Not ours (any more): a task launched by a scheduler whose state write was lost, or of a deleted consumer.
                LogUnknownTask(id, state.ToString());
                _ = framework.CallQuietlyAsync(SchedulerCalls.Kill(status.TaskId, status.AgentId), "KILL", _term);
            }
            return;
        }
        LogStatus(id, state.ToString(), status.HasMessage ? status.Message : "");
        events.Publish("task." + ApiNames.Of(state), task!.Consumer, status.HasMessage ? $"{id}: {status.Message}" : id,
            new Dictionary<string, string> { ["taskId"] = id, ["state"] = ApiNames.Of(state) });
        if (TaskStates.IsTerminal(state))
        {
            task.MarkTerminal();
            if (state is not MesosTaskState.Finished && !task.KillSent)
            {
                _loops.GetValueOrDefault(task.Consumer).Loop?.RecordFailure();
            }
        }
        _loops.GetValueOrDefault(task.Consumer).Loop?.Nudge();
    }

    public async Task KillAsync(TrackedTask task, string reason, CancellationToken cancellationToken)
    {
        var send = false;
        _book.Update(task.TaskId, t =>
        {
            send = !t.KillSent;
            t.KillSent = true;
        });
        if (send && _framework is { } framework)
        {
            LogKilling(task.TaskId, reason);
            await framework.CallQuietlyAsync(SchedulerCalls.Kill(new TaskID { Value = task.TaskId }, task.AgentId is null ? null : new AgentID { Value = task.AgentId }),
                "KILL", cancellationToken);
        }
    }

    /// <summary>The silent-owner path of a handover: kill the task and wait for Mesos to say it ended.</summary>
    async Task IOwnerTerminator.KillAsync(string taskId, string reason, CancellationToken cancellationToken)
    {
        var task = _book.Find(taskId);
        if (task is null || task.IsTerminal)
        {
            return;
        }
        _book.Update(taskId, t =>
        {
            t.Draining = true;
            t.DrainReason ??= reason;
        });
        await KillAsync(task, reason, cancellationToken);
        await task.Terminal.WaitAsync(cancellationToken);
    }

    private void OnConnected(ExecutorSession session)
    {
        events.Publish("task.connected", session.Consumer, session.TaskId, new Dictionary<string, string> { ["taskId"] = session.TaskId, ["version"] = session.Version });
        _loops.GetValueOrDefault(session.Consumer).Loop?.Nudge();
    }

    private void OnDisconnected(ExecutorSession session)
    {
        events.Publish("task.disconnected", session.Consumer, session.TaskId, new Dictionary<string, string> { ["taskId"] = session.TaskId });
        _loops.GetValueOrDefault(session.Consumer).Loop?.Nudge();
    }

    private static Dictionary<string, string> ParseConfig(string? config)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (config ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2);
            result[parts[0]] = parts.Length > 1 ? parts[1] : "";
        }
        return result;
    }

    [LoggerMessage(EventId = 800, Level = LogLevel.Information, Message = "[Engine] executors start from {Executor}")]
    private partial void LogExecutor(string executor);

    [LoggerMessage(EventId = 801, Level = LogLevel.Information, Message = "[Engine] leading: subscribing to Mesos and converging every consumer")]
    private partial void LogTermStarted();

    [LoggerMessage(EventId = 802, Level = LogLevel.Warning, Message = "[Engine] stopped commanding: {Reason}")]
    private partial void LogTermEnded(string reason);

    [LoggerMessage(EventId = 809, Level = LogLevel.Error, Message = "[Engine] stopped commanding: {Reason}; trying again in {Seconds} s")]
    private partial void LogTermFailed(string reason, double seconds);

    [LoggerMessage(EventId = 803, Level = LogLevel.Debug, Message = "[Engine] offer from {Host} does not fit a task of {Consumer}: {Reason}")]
    private partial void LogOfferDoesNotFit(string host, string consumer, DeclineReason reason);

    [LoggerMessage(EventId = 804, Level = LogLevel.Information, Message = "[Engine] launching {TaskId} on {Host}")]
    private partial void LogLaunching(string taskId, string host);

    [LoggerMessage(EventId = 805, Level = LogLevel.Information, Message = "[Engine] task {TaskId} is {State} {Message}")]
    private partial void LogStatus(string taskId, string state, string message);

    [LoggerMessage(EventId = 806, Level = LogLevel.Warning, Message = "[Engine] killing unknown task {TaskId} ({State})")]
    private partial void LogUnknownTask(string taskId, string state);

    [LoggerMessage(EventId = 807, Level = LogLevel.Information, Message = "[Engine] killing {TaskId}: {Reason}")]
    private partial void LogKilling(string taskId, string reason);

    [LoggerMessage(EventId = 808, Level = LogLevel.Warning, Message = "[Engine] a change of {Consumer} could not be applied yet: {Reason}")]
    private partial void LogChangeFailed(string consumer, string reason);
}

/// <summary>Where executors reach this scheduler.</summary>
/// <param name="ControlPlaneAddress">host:port of the control plane (HTTP/2).</param>
internal sealed record EngineEndpoints(string ControlPlaneAddress);
