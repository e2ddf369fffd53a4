using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Sluice.Scheduler.Api;
using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.Handover;
using Sluice.Scheduler.Planning;
using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Engine;

/// <summary>
/// Brings one consumer to its desired state, again and again (every <see cref="EngineOptions.ConvergeInterval"/>
/// and on every change): tasks wanted are asked for from offers, surplus and unresponsive tasks are drained,
/// the planner's moves are carried out by handover (DESIGN.md §5), drained tasks that hold nothing are killed,
/// and a scale operation succeeds once all of that is done.
/// </summary>
internal sealed partial class ConsumerLoop : IAsyncDisposable
{
    private readonly string _name;
    private readonly IStateStore _store;
    private readonly TaskBook _book;
    private readonly ExecutorRegistry _registry;
    private readonly IPartitionSource _partitions;
    private readonly ITaskKiller _killer;
    private readonly OperationTracker _operations;
    private readonly SchedulerEvents _events;
    private readonly SchedulerMetrics _metrics;
    private readonly EngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StateStoreOwnershipLedger _ledger;
    private readonly KafkaStartOffsets _offsets;
    private readonly HandoverCoordinator _coordinator;
    private readonly SemaphoreSlim _nudge = new(0, 1);
    private readonly Lock _gate = new();
    private readonly ConditionalWeakTable<ExecutorSession, object> _reconciledSessions = new();
    private readonly HashSet<string> _pendingOperations = new(StringComparer.Ordinal);
    private readonly DeploymentStepper _deployments;
    private Versioned<ConsumerRecord>? _record;
    private Versioned<Deployment>? _deployment;
    private int _failures;
    private long _launchNotBefore;
    private bool _deleted;

    public ConsumerLoop(
        string name, string groupId, IStateStore store, TaskBook book, ExecutorRegistry registry, IPartitionSource partitions, ITaskKiller killer,
        IOwnerTerminator terminator, string kafkaBootstrap, HandoverOptions handover, OperationTracker operations, SchedulerEvents events,
        SchedulerMetrics metrics, EngineOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        _name = name;
        _store = store;
        _book = book;
        _registry = registry;
        _partitions = partitions;
        _killer = killer;
        _operations = operations;
        _events = events;
        _metrics = metrics;
        _options = options;
        _time = time;
        _logger = loggers.CreateLogger<ConsumerLoop>();
        _ledger = new StateStoreOwnershipLedger(store, name);
        _offsets = new KafkaStartOffsets(kafkaBootstrap, groupId);
        _deployments = new DeploymentStepper(name, store, events, time, _logger);
        _coordinator = new HandoverCoordinator(registry, _ledger, terminator, _offsets, handover, time, loggers.CreateLogger<HandoverCoordinator>());
    }

    public string Name => _name;

    /// <summary>Asks for a converge round now.</summary>
    public void Nudge()
    {
        try
        {
            _nudge.Release();
        }
        catch (SemaphoreFullException)
        {
            // A round is already due.
        }
    }

    public void TrackOperation(string operationId)
    {
        lock (_gate) _pendingOperations.Add(operationId);
        _operations.MarkRunning(operationId);
        Nudge();
    }

    /// <summary>A task of this consumer failed: the next launch waits, doubling per failure.</summary>
    public void RecordFailure()
    {
        lock (_gate)
        {
            _failures++;
            var wait = TimeSpan.FromTicks(Math.Min(_options.MaxRelaunchBackoff.Ticks, _options.RelaunchBackoff.Ticks << Math.Min(_failures - 1, 16)));
            _launchNotBefore = _time.GetTimestamp() + (long)(wait.TotalSeconds * _time.TimestampFrequency);
            LogRelaunchBackoff(_name, _failures, wait.TotalSeconds);
        }
    }

    /// <summary>How many tasks of which versions this consumer wants launched now (none while backing off or unknown).</summary>
    public IReadOnlyList<LaunchDemand> Demand()
    {
        Versioned<ConsumerRecord>? record;
        Deployment? deployment;
        lock (_gate)
        {
            if (_deleted || _record is null || _time.GetTimestamp() < _launchNotBefore)
            {
                return [];
            }
            record = _record;
            deployment = _deployment?.Value;
        }
        var spec = record.Value.Spec;
        var demands = new List<LaunchDemand>();
        foreach (var versionId in LaunchedVersions(spec, deployment))
        {
            var version = spec.Versions.FirstOrDefault(v => v.Id == versionId);
            if (version is null)
            {
                continue;
            }
            var active = _book.Of(_name).Count(t => t.VersionId == version.Id && !t.Draining && TaskStates.IsActive(t.State));
            var wanted = spec.DesiredInstances - active;
            if (wanted > 0)
            {
                demands.Add(new LaunchDemand(spec, version, record.Version, wanted));
            }
        }
        return demands;
    }

    /// <summary>Versions that keep their tasks: the active one, and during a deployment blue and green.</summary>
    private static IReadOnlyList<string> VersionsInPlay(ConsumerSpec spec, Deployment? deployment) =>
        deployment is null ? [spec.ActiveVersion] : [deployment.FromVersion, deployment.ToVersion];

    /// <summary>Versions whose missing tasks are launched: green is not relaunched while it is being rolled back.</summary>
    private static IReadOnlyList<string> LaunchedVersions(ConsumerSpec spec, Deployment? deployment) =>
        deployment is null ? [spec.ActiveVersion]
        : deployment.Status is DeploymentStatus.RollingBack or DeploymentStatus.Aborting ? [deployment.FromVersion]
        : [deployment.FromVersion, deployment.ToVersion];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!await ConvergeAsync(cancellationToken))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (OwnershipConflictException ex)
            {
                _ledger.Invalidate();
                LogRoundFailed(_name, ex.Message);
            }
            catch (Exception ex) when (ex is StateStoreException or Confluent.Kafka.KafkaException or TimeoutException or InvalidOperationException)
            {
                LogRoundFailed(_name, ex.Message);
            }
            await ((Task)_nudge.WaitAsync(_options.ConvergeInterval, cancellationToken)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>One round; false when the consumer is gone and nothing of it runs any more.</summary>
    private async Task<bool> ConvergeAsync(CancellationToken cancellationToken)
    {
        var record = await _store.GetConsumerAsync(_name, cancellationToken);
        var deployment = record is null ? null : await _deployments.ActiveAsync(cancellationToken);
        lock (_gate)
        {
            _record = record;
            _deployment = deployment;
            _deleted = record is null;
        }
        if (record is null)
        {
            return await WindDownAsync(cancellationToken);
        }
        var spec = record.Value.Spec;
        var inPlay = VersionsInPlay(spec, deployment?.Value);
        var tasks = _book.Of(_name);
        var ownership = await _ledger.ListAsync(cancellationToken);
        var owned = OwnedCounts(ownership);

        ForgetFinished(tasks, owned);
        DrainUnwanted(spec, inPlay, tasks, owned);
        await ReconcileHeldAsync(ownership, cancellationToken);

        var partitions = await _partitions.GetPartitionsAsync(spec.Topics, cancellationToken);
        // A partition left releasing (a scheduler died mid-handover) is planned afresh, so it is moved —
        // possibly back to the same task — and ends owned again.
        var current = ownership.Where(e => e.Owner is not null && e.Phase == OwnershipPhase.Owned)
            .ToDictionary(e => e.Partition, e => e.Owner!);
        var version = tasks.ToDictionary(t => t.TaskId, t => t.VersionId, StringComparer.Ordinal);
        var wanted = WantedVersions(partitions, current, version, spec, deployment?.Value);
        var moves = new List<PartitionMove>();
        var plannedAny = false;
        foreach (var group in wanted.GroupBy(w => w.Value, w => w.Key))
        {
            var candidates = tasks
                .Where(t => t.VersionId == group.Key && !t.Draining && t.State == MesosTaskState.Running
                    && (_registry.IsConnected(t.TaskId) || owned.ContainsKey(t.TaskId)))
                .Select(t => new PlannerTask(t.TaskId))
                .ToList();
            plannedAny |= candidates.Count > 0;
            var planned = Planner.Assign(group, candidates, current).Moves.Where(m => _registry.IsConnected(m.To) && CanMoveFrom(m.From));
            // During a deployment a partition changes version or stays put: no rebalancing between live tasks of one version.
            moves.AddRange(deployment is null ? planned : DeploymentMoves.WithoutRebalancing(planned, candidates));
        }
        if (deployment?.Value.Status == DeploymentStatus.Paused)
        {
            // Paused: nothing moves except partitions whose owner is gone.
            moves = moves.Where(m => m.From is null || _book.Find(m.From) is not { IsTerminal: false, Draining: false }).ToList();
        }
        if (moves.Count > 0)
        {
            await MoveAsync(moves, cancellationToken);
            ownership = await _ledger.ListAsync(cancellationToken);
            owned = OwnedCounts(ownership);
        }

        await KillDrainedAsync(tasks, owned, plannedAny, cancellationToken);
        _metrics.Observe(_name, tasks, partitions.Count, _registry);
        if (deployment is not null)
        {
            await StepDeploymentAsync(deployment, spec, partitions, ownership, wanted, cancellationToken);
        }
        CompleteOperations(spec, partitions, ownership);
        await _book.PersistAsync(_name, cancellationToken, record);
        return true;
    }

    private static Dictionary<string, int> OwnedCounts(IReadOnlyList<OwnershipEntry> ownership) =>
        ownership.Where(e => e.Owner is not null && e.Phase != OwnershipPhase.Free)
            .GroupBy(e => e.Owner!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>Partition → the version that should own it now: the active one, or during a deployment green for the step's share.</summary>
    private static Dictionary<PartitionKey, string> WantedVersions(IReadOnlyList<PartitionKey> partitions, IReadOnlyDictionary<PartitionKey, string> current,
        IReadOnlyDictionary<string, string> versionOfTask, ConsumerSpec spec, Deployment? deployment)
    {
        if (deployment is null)
        {
            return partitions.ToDictionary(p => p, _ => spec.ActiveVersion);
        }
        bool OnGreen(PartitionKey p) => current.TryGetValue(p, out var owner) && versionOfTask.GetValueOrDefault(owner) == deployment.ToVersion;
        var green = deployment.Status == DeploymentStatus.Paused
            ? partitions.Where(OnGreen).ToHashSet()
            : DeploymentStepper.GreenPartitions(partitions, OnGreen, DeploymentStepper.GreenPercent(deployment));
        return partitions.ToDictionary(p => p, p => green.Contains(p) ? deployment.ToVersion : deployment.FromVersion);
    }

    private async Task StepDeploymentAsync(Versioned<Deployment> deployment, ConsumerSpec spec, IReadOnlyList<PartitionKey> partitions,
        IReadOnlyList<OwnershipEntry> ownership, Dictionary<PartitionKey, string> wanted, CancellationToken cancellationToken)
    {
        var d = deployment.Value;
        var tasks = _book.Of(_name);
        var green = tasks.Where(t => t.VersionId == d.ToVersion && !t.Draining).ToList();
        var greenReady = green.Count(t => t.State == MesosTaskState.Running && _registry.IsConnected(t.TaskId)) >= spec.DesiredInstances;
        var greenHealthy = green.All(t => !t.IsTerminal) && green.Count(t => TaskStates.IsActive(t.State)) >= spec.DesiredInstances;
        var byOwner = tasks.ToDictionary(t => t.TaskId, StringComparer.Ordinal);
        var owners = ownership.Where(e => e.Phase == OwnershipPhase.Owned && e.Owner is not null).ToDictionary(e => e.Partition, e => e.Owner!);
        var placed = partitions.Count > 0 && partitions.All(p => owners.TryGetValue(p, out var owner)
            && byOwner.TryGetValue(owner, out var task) && task.State == MesosTaskState.Running && _registry.IsConnected(owner)
            && task.VersionId == wanted[p]);
        var progress = new Dictionary<PartitionKey, Proto.ControlPlane.V1.PartitionProgress>();
        foreach (var task in green)
        {
            foreach (var p in _registry.Find(task.TaskId)?.LatestProgress?.Partitions ?? [])
            {
                progress[new PartitionKey(p.Topic, p.Partition)] = p;
            }
        }
        await _deployments.StepAsync(deployment, greenReady, placed, greenHealthy, progress, cancellationToken);
    }

    /// <summary>
    /// Once per control-plane session: what the executor said it holds (Hello) against the ledger. A partition
    /// the ledger gives it but it does not hold (a scheduler died between persisting a transfer and sending
    /// the Assign) is assigned again at the ledger's epoch and offset; one it holds against the ledger
    /// (another owner, or another epoch) is released. One it fenced when its lease ran out (DESIGN.md §3.3) is
    /// given back where Kafka says its last commit left it, if the ledger still gives it to the task; a
    /// fenced partition already moved is released like any other.
    /// </summary>
    private async Task ReconcileHeldAsync(IReadOnlyList<OwnershipEntry> ownership, CancellationToken cancellationToken)
    {
        var byPartition = ownership.ToDictionary(e => e.Partition);
        foreach (var session in _registry.Sessions.Where(s => s.Consumer == _name && !_reconciledSessions.TryGetValue(s, out _)))
        {
            var held = session.HeldAtConnect.ToDictionary(h => new PartitionKey(h.Topic, h.Partition));
            try
            {
                foreach (var entry in ownership.Where(e => e.Owner == session.TaskId && e.Phase == OwnershipPhase.Owned && !held.ContainsKey(e.Partition)))
                {
                    LogReassigning(entry.Partition.Topic, entry.Partition.Partition, session.TaskId, entry.Epoch, entry.StartOffset);
                    await session.AssignAsync(entry.Partition, entry.Epoch, entry.StartOffset, TimeSpan.FromSeconds(30), cancellationToken);
                }
                foreach (var (partition, partitionHeld) in held)
                {
                    var entry = byPartition.GetValueOrDefault(partition);
                    if (partitionHeld.State == Proto.ControlPlane.V1.PartitionState.Fenced
                        && entry is { Phase: OwnershipPhase.Owned } && entry.Owner == session.TaskId && entry.Epoch >= partitionHeld.Epoch)
                    {
                        var start = Math.Max(await _offsets.ResolveAsync(partition, cancellationToken), entry.StartOffset);
                        LogGivingBack(partition.Topic, partition.Partition, session.TaskId, entry.Epoch, start);
                        await session.AssignAsync(partition, entry.Epoch, start, TimeSpan.FromSeconds(30), cancellationToken);
                    }
                    else if (entry is null || entry.Owner != session.TaskId || entry.Epoch != partitionHeld.Epoch)
                    {
                        LogReleasingStale(partition.Topic, partition.Partition, session.TaskId, partitionHeld.Epoch, entry?.Owner ?? "(nobody)", entry?.Epoch ?? 0);
                        await session.ReleaseAsync(partition, partitionHeld.Epoch, TimeSpan.FromSeconds(30), cancellationToken);
                    }
                }
                _reconciledSessions.AddOrUpdate(session, session);
            }
            catch (Exception ex) when (ex is CommandRejectedException or ExecutorDisconnectedException or TimeoutException)
            {
                LogRoundFailed(_name, $"reconciling what {session.TaskId} holds: {ex.Message}");
                if (ex is CommandRejectedException)
                {
                    // The executor has decided (e.g. a newer epoch there); the planner takes it from here.
                    _reconciledSessions.AddOrUpdate(session, session);
                }
            }
        }
    }

    /// <summary>Moving off a task is allowed when it can answer (connected) or is known to be gone.</summary>
    private bool CanMoveFrom(string? from)
    {
        if (from is null || _registry.IsConnected(from))
        {
            return true;
        }
        var task = _book.Find(from);
        return task is null || task.IsTerminal || task.Draining;
    }

    /// <summary>All moves as batches of the coordinator (one ledger write per step per batch).</summary>
    private async Task MoveAsync(IReadOnlyList<PartitionMove> moves, CancellationToken cancellationToken)
    {
        LogMoving(_name, moves.Count);
        foreach (var batch in moves.Chunk(_options.HandoverBatchSize))
        {
            foreach (var result in await _coordinator.MoveManyAsync(batch, cancellationToken))
            {
                if (result.Outcome is { } outcome)
                {
                    if (outcome.From != outcome.To)
                    {
                        _metrics.Handover(_name, outcome);
                        PublishMoved(outcome);
                    }
                    continue;
                }
                if (result.Error is OwnershipConflictException)
                {
                    _ledger.Invalidate();
                }
                _metrics.HandoverFailed(_name);
                LogMoveFailed(result.Move.Partition.Topic, result.Move.Partition.Partition, result.Move.To, result.Error!.Message);
            }
        }
    }

    private void PublishMoved(HandoverOutcome outcome)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        _events.Publish("partition.moved", _name, $"{outcome.Partition} {outcome.From ?? "(nobody)"} → {outcome.To} at {outcome.StartOffset}",
            new Dictionary<string, string>
            {
                ["topic"] = outcome.Partition.Topic,
                ["partition"] = outcome.Partition.Partition.ToString(invariant),
                ["from"] = outcome.From ?? "",
                ["to"] = outcome.To,
                ["epoch"] = outcome.Epoch.ToString(invariant),
                ["offset"] = outcome.StartOffset.ToString(invariant),
                ["clean"] = outcome.Clean ? "true" : "false",
                ["ms"] = outcome.Duration.TotalMilliseconds.ToString("0.0", invariant),
            });
    }

    private void ForgetFinished(IReadOnlyList<TrackedTask> tasks, Dictionary<string, int> owned)
    {
        foreach (var task in tasks.Where(t => t.IsTerminal && !owned.ContainsKey(t.TaskId)))
        {
            _book.Remove(task.TaskId);
        }
    }

    /// <summary>Marks surplus, unresponsive and out-of-date tasks draining: no new partitions; moved off, then killed.</summary>
    private void DrainUnwanted(ConsumerSpec spec, IReadOnlyList<string> inPlay, IReadOnlyList<TrackedTask> tasks, Dictionary<string, int> owned)
    {
        foreach (var task in tasks.Where(t => !t.Draining && !t.IsTerminal))
        {
            if (!inPlay.Contains(task.VersionId))
            {
                Drain(task, $"version {task.VersionId} is no longer running (active: {spec.ActiveVersion})");
            }
            else if (task.State == MesosTaskState.Unreachable)
            {
                Drain(task, "its agent is unreachable");
            }
            else if (task.State == MesosTaskState.Running && !_registry.IsConnected(task.TaskId) && Unresponsive(task) is { } why)
            {
                Drain(task, why);
            }
        }

        foreach (var version in inPlay)
        {
            var keep = tasks.Where(t => !t.Draining && TaskStates.IsActive(t.State) && t.VersionId == version)
                // Keep the running, connected and busy ones; drop the newest and idlest first.
                .OrderByDescending(t => t.State == MesosTaskState.Running)
                .ThenByDescending(t => _registry.IsConnected(t.TaskId))
                .ThenByDescending(t => owned.GetValueOrDefault(t.TaskId))
                .ThenBy(t => t.TaskId, StringComparer.Ordinal)
                .ToList();
            foreach (var surplus in keep.Skip(Math.Max(0, spec.DesiredInstances)))
            {
                Drain(surplus, $"scaled in to {spec.DesiredInstances}");
            }
        }
    }

    private string? Unresponsive(TrackedTask task)
    {
        var session = _registry.FindLastKnown(task.TaskId);
        if (session is not null)
        {
            return session.Silence > _options.SilentTaskGrace ? $"silent on the control plane for {session.Silence.TotalSeconds:0} s" : null;
        }
        var running = _time.GetElapsedTime(task.Since);
        return running > _options.RegistrationGrace ? $"running {running.TotalSeconds:0} s without connecting to the control plane" : null;
    }

    private void Drain(TrackedTask task, string reason)
    {
        _book.Update(task.TaskId, t =>
        {
            t.Draining = true;
            t.DrainReason = reason;
        });
        LogDraining(task.TaskId, reason);
        _events.Publish("task.draining", _name, $"{task.TaskId}: {reason}", new Dictionary<string, string> { ["taskId"] = task.TaskId, ["reason"] = reason });
    }

    private async Task KillDrainedAsync(IReadOnlyList<TrackedTask> tasks, Dictionary<string, int> owned, bool partitionsHaveSomewhereToGo, CancellationToken cancellationToken)
    {
        foreach (var task in tasks.Where(t => t.Draining && !t.KillSent && !t.IsTerminal))
        {
            if (owned.ContainsKey(task.TaskId) && partitionsHaveSomewhereToGo && _registry.IsConnected(task.TaskId))
            {
                continue; // its partitions move first, by clean handovers
            }
            _registry.Find(task.TaskId)?.Stop(task.DrainReason ?? "drained");
            await _killer.KillAsync(task, task.DrainReason ?? "drained", cancellationToken);
        }
    }

    private void CompleteOperations(ConsumerSpec spec, IReadOnlyList<PartitionKey> partitions, IReadOnlyList<OwnershipEntry> ownership)
    {
        string[] pending;
        lock (_gate)
        {
            if (_pendingOperations.Count == 0)
            {
                return;
            }
            pending = [.. _pendingOperations];
        }
        var tasks = _book.Of(_name);
        var serving = tasks.Where(t => !t.Draining && t.VersionId == spec.ActiveVersion && t.State == MesosTaskState.Running && _registry.IsConnected(t.TaskId))
            .Select(t => t.TaskId).ToHashSet(StringComparer.Ordinal);
        var leaving = tasks.Count(t => t.Draining && !t.IsTerminal);
        var owners = ownership.Where(e => e.Phase == OwnershipPhase.Owned).ToDictionary(e => e.Partition, e => e.Owner);
        var placed = spec.DesiredInstances == 0 || partitions.All(p => owners.TryGetValue(p, out var o) && o is not null && serving.Contains(o));
        if (serving.Count != spec.DesiredInstances || leaving > 0 || !placed)
        {
            return;
        }
        foreach (var id in pending)
        {
            _operations.MarkSucceeded(id, $"{serving.Count} task(s) running, {partitions.Count} partition(s) assigned");
            lock (_gate) _pendingOperations.Remove(id);
        }
    }

    /// <summary>The consumer was deleted: kill what runs, and end the loop once everything is terminal.</summary>
    private async Task<bool> WindDownAsync(CancellationToken cancellationToken)
    {
        var tasks = _book.Of(_name);
        foreach (var task in tasks.Where(t => !t.Draining && !t.IsTerminal))
        {
            Drain(task, "the consumer was deleted");
        }
        await KillDrainedAsync(_book.Of(_name), [], partitionsHaveSomewhereToGo: false, cancellationToken);
        if (_book.Of(_name).All(t => t.IsTerminal))
        {
            foreach (var task in _book.Of(_name))
            {
                _book.Remove(task.TaskId);
            }
            LogEnded(_name);
            return false;
        }
        return true;
    }

    public ValueTask DisposeAsync()
    {
        _offsets.Dispose();
        _nudge.Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 606, Level = LogLevel.Warning, Message = "[Engine] {Topic}[{Partition}]: the ledger gives it to {TaskId} (epoch {Epoch}), which does not hold it: assigning it again at {Offset}")]
    private partial void LogReassigning(string topic, int partition, string taskId, long epoch, long offset);

    [LoggerMessage(EventId = 607, Level = LogLevel.Warning, Message = "[Engine] {Topic}[{Partition}]: {TaskId} holds it at epoch {Epoch}, the ledger says {Owner} at epoch {LedgerEpoch}: releasing it there")]
    private partial void LogReleasingStale(string topic, int partition, string taskId, long epoch, string owner, long ledgerEpoch);

    [LoggerMessage(EventId = 608, Level = LogLevel.Information, Message = "[Engine] {Topic}[{Partition}]: {TaskId} fenced it and the ledger still gives it to it (epoch {Epoch}): giving it back at {Offset}")]
    private partial void LogGivingBack(string topic, int partition, string taskId, long epoch, long offset);

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "[Engine] {Consumer}: {Count} partition move(s)")]
    private partial void LogMoving(string consumer, int count);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "[Engine] moving {Topic}[{Partition}] to {To} failed, retried next round: {Reason}")]
    private partial void LogMoveFailed(string topic, int partition, string to, string reason);

    [LoggerMessage(EventId = 602, Level = LogLevel.Information, Message = "[Engine] task {TaskId} drains: {Reason}")]
    private partial void LogDraining(string taskId, string reason);

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "[Engine] {Consumer}: a converge round failed, retried: {Reason}")]
    private partial void LogRoundFailed(string consumer, string reason);

    [LoggerMessage(EventId = 604, Level = LogLevel.Warning, Message = "[Engine] {Consumer}: task failure #{Failures}, next launch in {Seconds:0.#} s")]
    private partial void LogRelaunchBackoff(string consumer, int failures, double seconds);

    [LoggerMessage(EventId = 605, Level = LogLevel.Information, Message = "[Engine] {Consumer} deleted: all its tasks ended")]
    private partial void LogEnded(string consumer);
}

/// <summary>Launches a consumer wants: <paramref name="Count"/> tasks of <paramref name="Version"/>.</summary>
internal sealed record LaunchDemand(ConsumerSpec Spec, ConsumerVersion Version, long Revision, int Count);

/// <summary>Kills a task through Mesos (once), recording that the kill was sent.</summary>
internal interface ITaskKiller
{
    Task KillAsync(TrackedTask task, string reason, CancellationToken cancellationToken);
}
