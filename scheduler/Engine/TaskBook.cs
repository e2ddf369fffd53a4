using Sluice.Scheduler.ControlPlane;
using Sluice.Scheduler.Offers;
using Sluice.Scheduler.State;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Engine;

/// <summary>
/// Every task of every consumer the engine knows, by task id, and where each agent is (from its
/// offers, for placement). Thread-safe; <see cref="PersistAsync"/> writes a consumer's tasks into
/// its record in the state store, so a scheduler that takes over knows them (DESIGN.md §4).
/// </summary>
internal sealed class TaskBook(IStateStore store, ExecutorRegistry registry, TimeProvider time)
{
    private readonly Dictionary<string, TrackedTask> _tasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OfferView> _agents = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _writes = new(1, 1);

    public TimeProvider Time => time;

    public TrackedTask? Find(string taskId)
    {
        lock (_gate) return _tasks.GetValueOrDefault(taskId);
    }

    public IReadOnlyList<TrackedTask> Of(string consumer)
    {
        lock (_gate) return _tasks.Values.Where(t => t.Consumer == consumer).OrderBy(t => t.TaskId, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<TrackedTask> All()
    {
        lock (_gate) return [.. _tasks.Values];
    }

    public void Add(TrackedTask task)
    {
        lock (_gate) _tasks[task.TaskId] = task;
    }

    /// <summary>Forgets a terminal task (its partitions have moved).</summary>
    public void Remove(string taskId)
    {
        lock (_gate) _tasks.Remove(taskId);
        registry.Forget(taskId);
    }

    /// <summary>Runs <paramref name="change"/> on the task under the book's lock; false when the task is unknown.</summary>
    public bool Update(string taskId, Action<TrackedTask> change)
    {
        lock (_gate)
        {
            if (!_tasks.TryGetValue(taskId, out var task))
            {
                return false;
            }
            change(task);
            return true;
        }
    }

    public void SeenAgent(string agentId, OfferView view)
    {
        lock (_gate) _agents[agentId] = view;
    }

    public OfferView? Agent(string? agentId)
    {
        if (agentId is null) return null;
        lock (_gate) return _agents.GetValueOrDefault(agentId);
    }

    /// <summary>Where the consumer's active tasks run, for placement constraints.</summary>
    public IReadOnlyList<OfferView> PlacedHosts(string consumer)
    {
        lock (_gate)
        {
            return _tasks.Values
                .Where(t => t.Consumer == consumer && TaskStates.IsActive(t.State))
                .Select(t => t.Host ?? (t.AgentId is null ? null : _agents.GetValueOrDefault(t.AgentId)))
                .OfType<OfferView>()
                .ToList();
        }
    }

    /// <summary>Loads the non-terminal tasks of a consumer's stored record (after a failover or restart).</summary>
    public void Load(ConsumerRecord record)
    {
        lock (_gate)
        {
            foreach (var t in record.Tasks)
            {
                if (!_tasks.ContainsKey(t.TaskId) && !TaskStates.IsTerminal(t.MesosState))
                {
                    _tasks[t.TaskId] = new TrackedTask(t.TaskId, record.Name, t.VersionId, t.AgentId, t.MesosState, time.GetTimestamp());
                }
            }
        }
    }

    /// <summary>
    /// Writes the consumer's tasks into its stored record (keeping the spec as stored). Retries a
    /// concurrent change of the record (an API write) a few times; false when the consumer is gone.
    /// </summary>
    /// <param name="known">The record as just read by the caller, if any: spares a read when nothing changed.</param>
    public async Task<bool> PersistAsync(string consumer, CancellationToken cancellationToken, Versioned<ConsumerRecord>? known = null)
    {
        await _writes.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var stored = attempt == 0 && known is not null ? known : await store.GetConsumerAsync(consumer, cancellationToken);
                if (stored is null)
                {
                    return false;
                }
                var tasks = Of(consumer).Select(t => t.ToRecord(registry.IsConnected(t.TaskId))).ToList();
                if (tasks.SequenceEqual(stored.Value.Tasks))
                {
                    return true;
                }
                try
                {
                    await store.PutConsumerAsync(stored.Value with { Tasks = tasks }, stored.Version, cancellationToken);
                    return true;
                }
                catch (StateConflictException) when (attempt < 5)
                {
                    // The API replaced the spec meanwhile (or the record given was stale): read it again and write the tasks onto it.
                }
            }
        }
        finally
        {
            _writes.Release();
        }
    }
}
